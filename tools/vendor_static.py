"""Copy the front-end libraries the pages use from node_modules (installed by `npm ci` from the
committed package-lock.json) into src/jianguan/web/static/vendor/, which is not committed.

The pages are served on intranets without internet access: no CDN, and no file copied by hand.
Run by `make install`; run it again after changing package.json.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "jianguan" / "web" / "static" / "vendor"
FILES = {
    "htmx.min.js": ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js",
    "echarts.min.js": ROOT / "node_modules" / "echarts" / "dist" / "echarts.min.js",
}


def main() -> int:
    missing = [str(p) for p in FILES.values() if not p.is_file()]
    if missing:
        print("缺少前端库，请先运行 npm ci / run `npm ci` first:", *missing, sep="\n  ")
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, source in FILES.items():
        shutil.copyfile(source, TARGET / name)
        print(f"{source.relative_to(ROOT)} → {(TARGET / name).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
