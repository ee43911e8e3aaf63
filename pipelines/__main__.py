"""Command line: `python -m pipelines load PATH [--db FILE]` and `python -m pipelines build [--db FILE]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.load import LoadResult, build, load_portfolio
from pipelines.os_errors import io_failure_sentence, is_io_failure
from pipelines.problems import InputRejected
from pipelines.store import LoadBusy, StoreFailure, loaded_portfolio_source
from sikkerby.formatting import mio_kr, number
from sikkerby.paths import database_path


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the process exit code (0 loaded, 1 input refused, 2 failure, 3 another load busy)."""
    parser = argparse.ArgumentParser(prog="python -m pipelines", description="Indlæs data til Sikker By-dashboardet.")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="indlæs en projektmappe (.xlsx) eller en mappe med CSV-filer")
    load.add_argument("path", type=Path)
    load.add_argument("--db", help="databasefil (ellers $SIKKERBY_DB, ellers data/sikkerby.duckdb)")
    rebuild = commands.add_parser("build", help="byg databasen igen fra filerne i data/")
    rebuild.add_argument("--db", help="databasefil (ellers $SIKKERBY_DB, ellers data/sikkerby.duckdb)")
    rebuild.add_argument(
        "--keep-loaded", action="store_true", help="byg ikke eksempeldata oven på en database med indlæste indsatsdata (bruges af make run)"
    )
    args = parser.parse_args(argv)
    db_path = database_path(args.db)
    if args.command == "build" and args.keep_loaded and (loaded := loaded_portfolio_source(db_path)):
        print(f"{db_path} har indlæste indsatsdata ({loaded}); eksempeldata bygges ikke ovenpå. Kør 'make build' for at bygge forfra.")
        return 0
    try:
        result = load_portfolio(args.path, db_path) if args.command == "load" else build(db_path)
    except InputRejected as rejected:
        print(f"Indlæsningen blev afvist: {len(rejected.problems)} problem(er) fundet. Databasen er uændret.", file=sys.stderr)
        for problem in rejected.problems:
            print(problem, file=sys.stderr)
        return 1
    except LoadBusy as busy:
        print(f"Indlæsningen blev ikke gennemført: {busy} Databasen er uændret.", file=sys.stderr)
        return 3
    except StoreFailure as failure:
        print(f"Indlæsningen blev ikke gennemført: {failure} Databasen er uændret.", file=sys.stderr)
        return 2
    except Exception as error:  # the analyst sees a sentence, never a traceback
        if is_io_failure(error):
            where = f"Filen '{error.filename}'" if getattr(error, "filename", None) else "En fil"
            print(f"Indlæsningen mislykkedes: {io_failure_sentence(error, where, 'bruges')} Databasen er uændret.", file=sys.stderr)
        else:
            print(f"Indlæsningen mislykkedes: {type(error).__name__}: {error}. Databasen er uændret.", file=sys.stderr)
        return 2
    print(summary(result))
    return 0


def summary(result: LoadResult) -> str:
    """Return the short Danish summary printed after a successful load."""
    kind = "eksempeldata" if result.is_sample else "indsatsdata"
    lines = [f"Indlæst {kind} i {result.db_path}"]
    lines += [f"  {name}: {number(count)} rækker" for name, count in result.row_counts.items()]
    lines += [f"  budget {year}: {mio_kr(total)}" for year, total in result.budget_by_year.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
