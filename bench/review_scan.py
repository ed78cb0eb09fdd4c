"""Personal-data and secrecy-mark scanning: time per text size, to show it is linear.

Scans texts of 100,000 characters (the body limit) and 1,000,000 of three kinds: ordinary
notice prose with a few numbers, a body packed with numbers (ID, card, mobile, marks),
and hostile input made to tempt a backtracking regex (long runs of digits and
separators, repeated "+86", IDs one digit too long). Prints the best of several runs in
milliseconds of CPU time (steadier than wall time on a shared machine) and the ratio
1M / 100k (linear: about 10; smaller texts sit in the CPU cache and make any ratio
against them look worse than it is), and the yearly report's computation time for
10,000 notices and 2,000 requests.

    python bench/review_scan.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import date, timedelta

from publisher.domain.disclosure.report_codes import APPLICANT_KINDS, OUTCOME_CODES
from publisher.domain.disclosure.report_records import NoticeRecord, RequestRecord
from publisher.domain.disclosure.revision_scan import mask_personal_data, scan_text
from publisher.domain.disclosure.yearly_report import compute_report

PROSE = "本局依據《政府信息公開條例》於二〇二三年三月一日發布通知，聯絡電話 0755-8888 1234。"
PACKED = "申請人11010519491231002X，電話138 1234 5678，卡6222 0212 3456 7890 128，機密。"
SIZES = (100_000, 1_000_000)
HOSTILE = ["1 " * 40 + "x", "+86" * 30 + "1", "1" * 19 + "X" + "1" * 40, "1-" * 30 + "！"]


def fill(pattern: str, size: int) -> str:
    return (pattern * (size // len(pattern) + 1))[:size]


def hostile(size: int) -> str:
    rng = random.Random(7)
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        parts.append(rng.choice(HOSTILE))
    return "".join(parts)[:size]


def best_ms(action: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        action()
        best = min(best, time.process_time() - started)
    return best * 1000


def report_inputs() -> tuple[list[NoticeRecord], list[RequestRecord]]:
    rng = random.Random(11)
    start = date(2014, 1, 1)
    notices = [
        NoticeRecord(rng.choice(["documents", "news", "guides"]), start + timedelta(days=rng.randrange(3650)),
                     rng.random() < 0.9, rng.choice(["rule", "normative", "other"]))
        for _ in range(10_000)
    ]
    outcomes = sorted(OUTCOME_CODES)
    requests = []
    for _ in range(2_000):
        received = start + timedelta(days=rng.randrange(3650))
        replied = received + timedelta(days=rng.randrange(60))
        requests.append(RequestRecord(rng.choice(APPLICANT_KINDS), received, rng.choice(outcomes), replied))  # type: ignore[arg-type]
    return notices, requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'text':<10}{'size':>10}{'scan ms':>10}{'mask ms':>10}{'findings':>10}")
    kinds: list[tuple[str, Callable[[int], str]]] = [
        ("prose", lambda n: fill(PROSE, n)), ("packed", lambda n: fill(PACKED, n)), ("hostile", hostile),
    ]
    for name, make in kinds:
        times = {}
        for size in SIZES:
            text = make(size)
            scan = best_ms(lambda text=text: scan_text(text), args.repeat)  # type: ignore[misc]
            mask = best_ms(lambda text=text: mask_personal_data(text), args.repeat)  # type: ignore[misc]
            times[size] = mask
            print(f"{name:<10}{size:>10}{scan:>10.2f}{mask:>10.2f}{len(scan_text(text).findings):>10}")
        print(f"{name:<10} ratio 1M/100k of the uncapped pass (linear ~ 10): {times[SIZES[1]] / times[SIZES[0]]:.1f}")
    notices, requests = report_inputs()
    report_ms = best_ms(lambda: compute_report(2020, catalog=["documents", "news", "guides"],
                                               notices=notices, requests=requests), args.repeat)
    print(f"yearly report, 10,000 notices and 2,000 requests: {report_ms:.1f} ms")


if __name__ == "__main__":
    main()
