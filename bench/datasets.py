"""Generated data sets are kept under WORKDIR and reused while their shape and
dondoc's schema are unchanged (a JSON sidecar records the shape, a digest of
the migrations and what was generated)."""
from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import asdict

from bench import store
from bench.common import Timer, say
from bench.generate import Shape, generate
from bench.store import Db, pg_exists
from dondoc.store.db import MIGRATIONS


def dataset_arguments(ap: argparse.ArgumentParser, size: int = Shape.occurrences) -> None:
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    ap.add_argument("--size", type=int, default=size, help="occurrences (default %(default)s)")
    ap.add_argument("--seed", type=int, default=Shape.seed)
    ap.add_argument("--provinces", type=int, default=Shape.provinces, help=argparse.SUPPRESS)
    ap.add_argument("--communes", type=int, default=Shape.communes, help=argparse.SUPPRESS)
    ap.add_argument("--regenerate", action="store_true", help="generate even if a matching data set exists")


def kinds(choice: str) -> tuple[str, ...]:
    return ("sqlite", "postgres") if choice == "both" else (choice,)


def schema_digest() -> str:
    """A digest of every migration: a data set made under other migrations is made again."""
    h = hashlib.sha256()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:16]


def _sidecar(db: Db):  # noqa: ANN202
    return store.WORKDIR / f"{db.kind}-{db.name}.json"


def _exists(db: Db) -> bool:
    if db.kind == "sqlite":
        return db.path.exists()
    return pg_exists(db.name)


def dataset(kind: str, shape: Shape, *, regenerate: bool = False, progress: bool = True) -> tuple[Db, dict]:
    """The database holding `shape`, generated unless a matching one exists."""
    db = Db(kind, shape.slug())
    side = _sidecar(db)
    if not regenerate and side.exists() and _exists(db):
        meta = json.loads(side.read_text())
        if meta.get("shape") == asdict(shape) and meta.get("schema") == schema_digest():
            return db, meta
    say(f"generating {shape.occurrences} occurrences into {kind} ({db.name})")
    with Timer() as t:
        summary = generate(db, shape, progress=progress)
    meta = {"shape": asdict(shape), "schema": schema_digest(), "summary": summary.as_dict(),
            "generate_s": round(t.seconds, 1)}
    store.WORKDIR.mkdir(parents=True, exist_ok=True)
    side.write_text(json.dumps(meta, indent=1))
    say(f"generated in {meta['generate_s']} s: {summary.as_dict()}")
    return db, meta


def ensure(args: argparse.Namespace) -> list[Db]:
    shape = Shape(occurrences=args.size, seed=args.seed, provinces=args.provinces, communes=args.communes)
    return [dataset(kind, shape, regenerate=args.regenerate)[0] for kind in kinds(args.db)]
