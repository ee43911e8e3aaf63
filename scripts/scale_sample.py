"""Write the sample portfolio scaled N times as a CSV folder, for looking at and timing the app at scale.

Run: `python scripts/scale_sample.py 100 OUT_DIR`, then `python -m pipelines load OUT_DIR --db FILE`.
Deterministic: copy k of initiative `SOF-007` is `SOF-007-k`, with the same budget, activity and
effect-target lines as the original, so every total is exactly N times the sample's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHEETS = ("indsatser", "budget", "aktivitet", "effektmaal")


def scaled_sheets(factor: int) -> dict[str, pd.DataFrame]:
    """Return the sample workbook's sheets with every initiative copied `factor` times under new ids."""
    sample = pd.read_excel(PROJECT_DIR / "data" / "sample" / "indsatser.xlsx", sheet_name=list(SHEETS), dtype=str)
    out = {}
    for name, frame in sample.items():
        copies = []
        for k in range(1, factor + 1):
            copy = frame.copy()
            copy["indsats_id"] = copy["indsats_id"] + (f"-{k}" if factor > 1 else "")
            if name == "indsatser" and factor > 1:
                copy["navn"] = copy["navn"] + f" ({k})"
            copies.append(copy)
        out[name] = pd.concat(copies, ignore_index=True)
    return out


def main(argv: list[str]) -> int:
    factor, folder = int(argv[0]), Path(argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in scaled_sheets(factor).items():
        frame.to_csv(folder / f"{name}.csv", sep=";", index=False, encoding="utf-8-sig")
    print(f"Eksempeldata × {factor} skrevet til {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
