import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from mia import demo
from mia.models import Organisation


class Command(BaseCommand):
    help = (
        "Charge des données de démonstration fictives (organisations, comptes, lieux de vie, "
        "ménages, personnes) dans une base vide."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale",
            choices=demo.SCALES,
            default="small",
            help="small : une équipe (~200 personnes) ; national : 25 000 personnes.",
        )
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="Jour de référence des données (AAAA-MM-JJ) ; par défaut aujourd'hui.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Si la base contient déjà des organisations, ne rien faire et sortir sans erreur.",
        )

    def handle(self, *args, scale: str, if_empty: bool, date, **options) -> None:
        # Demo accounts share a published password: never mix them into real data, and never
        # load them where the site runs in production mode.
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuse de charger des comptes de démonstration quand DJANGO_DEBUG est "
                "désactivé (production)."
            )
        if Organisation.objects.exists():
            if if_empty:
                self.stdout.write("base déjà remplie")
                return
            raise CommandError(
                "La base contient déjà des organisations : seed_demo ne charge que dans une base "
                "vide. Utilisez --if-empty pour ne rien faire dans ce cas."
            )
        started = time.perf_counter()
        context = demo.seed(scale=scale, today=date or timezone.localdate(), log=self.stdout.write)
        if connection.vendor == "postgresql":
            # Fresh statistics: right after a bulk load the planner still believes the tables
            # are empty and picks plans a hundred times slower. VACUUM marks the pages as
            # visible to all, as autovacuum would later, so that index-only scans need not
            # visit the table (the caseload board's).
            # VACUUM cannot run in a transaction (a test's, say): ANALYZE alone there.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        elapsed = time.perf_counter() - started
        counts = ", ".join(f"{count} {label}" for label, count in context.counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Démo « {scale} » chargée en {elapsed:.1f} s : {counts}.")
        )
        self.stdout.write(demo.logins_table(context))
