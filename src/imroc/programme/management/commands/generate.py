"""imroc generate --scale small|national [--seed N] [--force]: synthetic load data."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from imroc.programme import synthetic


class Command(BaseCommand):
    help = (
        "Build a synthetic programme for load and scale tests: 'national' is about 100 sites, "
        "5,000 teams, 100,000 measures, 6 million data points and 200,000 learners; 'small' is "
        "a fraction of that. Never deletes anything."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(synthetic.SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2011, help="random seed (default 2011)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="add the synthetic programme to a database that already holds other programmes",
        )

    def handle(self, *args, scale, seed, force, **options):
        self.stdout.write(f"Generating the synthetic {scale} programme (seed {seed})...")
        try:
            built = synthetic.generate(scale, seed=seed, force=force, write=self.stdout.write)
        except synthetic.GenerateError as error:
            raise CommandError(str(error), returncode=2) from error
        rows, seconds = built.progress.rows, built.seconds
        self.stdout.write(
            f"Done: {rows:,} rows in {seconds:.1f} s ({rows / max(seconds, 1e-9):,.0f} rows/s). "
            f"Programme: {built.programme.name} ({len(built.sites)} sites)."
        )
        busiest = built.busiest
        self.stdout.write(
            f"Sign-ins have no password (use them in tests with force_login): "
            f"{built.admin.username} (programme admin); busiest site {busiest.slug}, "
            f"its lead {built.leads[busiest.pk].username}."
        )
