"""Progress of `cchc ingest` without a terminal: a line every few seconds with rate and ETA, and one at the end."""

from __future__ import annotations

import io

from search_api.progress import Reporter, eta


def test_a_line_every_period_with_rate_and_eta() -> None:
    now = [0.0]
    out = io.StringIO()
    reporter = Reporter(100, stream=out, every=10.0, bar=False, clock=lambda: now[0])
    for _ in range(4):
        now[0] += 4.0  # 5 documents every 4 s
        reporter.advance(5)
    assert out.getvalue().splitlines() == [
        "ingest: 15/100 documents, 1.2/s, 0:00:12 elapsed, ETA 0:01:08",
    ]
    reporter.close()
    assert out.getvalue().splitlines()[-1] == "ingest: 20/100 documents, 1.2/s, 0:00:16 elapsed, ETA 0:01:04"


def test_eta_format() -> None:
    assert eta(3725.9) == "1:02:05" and eta(-1) == "0:00:00"


def test_a_resumed_run_rates_only_the_documents_it_works_on() -> None:
    now = [0.0]
    out = io.StringIO()
    reporter = Reporter(100, stream=out, every=10.0, bar=False, clock=lambda: now[0])
    reporter.advance(60, skipped=True)  # stored by the killed run: passed over at once
    for _ in range(3):
        now[0] += 4.0
        reporter.advance(4)
    assert out.getvalue().splitlines() == [
        "ingest: 72/100 documents (60 already stored), 1.0/s, 0:00:12 elapsed, ETA 0:00:28",
    ]
