"""imroc: software for implementing recovery through organisational change."""

__version__ = "0.1.0"
