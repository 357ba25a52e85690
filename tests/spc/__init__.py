"""Tests of the imroc.spc library (no Django needed)."""
