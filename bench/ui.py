"""Web UI render time of a filtered search results page on the sample corpus, against the JSON
API answering the same query in the same run (the page's own cost is the ratio).

    python bench/ui.py [--db corpus.db]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CORPUS  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="an ingested store (default: ingest corpus/ into a temp store)")
    args = ap.parse_args()
    from fastapi.testclient import TestClient
    from zhengce.pipeline.ingest import ingest
    from zhengce.pipeline.store import open_store
    from zhengce.search_api.app import create_app
    from zhengce.search_api.rest import PREFIX as API
    db = args.db
    if not db:
        db = str(Path(tempfile.mkdtemp()) / "ui.db")
        ingest([str(CORPUS)], open_store(db), workers=2)
    client = TestClient(create_app(db))
    queries = ["课后服务", "营商环境", "毛入园率", "城市更新", "河长制", "数据共享"]
    for q in queries:   # warm: index sync, vectors, templates
        client.get("/", params={"q": q, "level": "county"})
        client.get(API + "/search", params={"q": q, "level": "county"})

    def timed(path):
        out = []
        for q in queries * 3:
            t0 = time.perf_counter()
            r = client.get(path, params={"q": q, "level": "county"})
            out.append(time.perf_counter() - t0)
            assert r.status_code == 200
        return statistics.median(out), max(out)
    api_med, api_max = timed(API + "/search")
    page_med, page_max = timed("/")
    print(f"JSON {API}/search median {api_med * 1000:6.1f} ms  max {api_max * 1000:6.1f} ms")
    print(f"HTML results page    median {page_med * 1000:6.1f} ms  max {page_max * 1000:6.1f} ms  "
          f"({page_med / api_med:.2f}× the API; goal: first paint < 300 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
