#!/usr/bin/env python3
"""Writes a synthetic digitisation campaign for `sijil import`: every record keyed twice by two
keyers, as CSV or JSON Lines, with a share of disagreeing keyings and of bad lines.

  make-campaign.py --records N [--format csv|jsonl] [--offices 0401001,0402001] [--years 1951-2002]
                   [--first-number 1] [--disagree 0.01] [--bad 0.001] [--seed 7] > campaign.csv

Deterministic for a seed. Records alternate over the offices and years given; births only
unless --deaths is set (then every fourth record is a death of 2003 or later).
"""
import argparse
import csv
import hashlib
import json
import random
import sys

GIVEN = [("محمد", "Mohamed"), ("فاطمة", "Fatima"), ("يوسف", "Youssef"), ("خديجة", "Khadija"), ("أمين", "Amine"),
         ("سعاد", "Souad"), ("عمر", "Omar"), ("نادية", "Nadia"), ("رشيد", "Rachid"), ("هند", "Hind")]
FAMILY = [("العلوي", "Alaoui"), ("بناني", "Bennani"), ("التازي", "Tazi"), ("برادة", "Berrada"), ("الفاسي", "Fassi"),
          ("الإدريسي", "Idrissi"), ("بنيس", "Bennis"), ("الزياني", "Zayani")]
PLACES = [("الرباط", "Rabat"), ("سلا", "Salé"), ("تمارة", "Témara"), ("الخميسات", "Khémisset"), ("القنيطرة", "Kénitra")]


def record(n, office, year, death):
    r = random.Random(n)
    day = 1 + r.randrange(27)
    month = 1 + r.randrange(11)
    fam = FAMILY[r.randrange(len(FAMILY))]
    g = GIVEN[r.randrange(len(GIVEN))]
    place = PLACES[r.randrange(len(PLACES))]
    f = {"drawn_up_on": f"{year}-{month:02d}-{day + 1:02d}"}
    if death:
        f.update({"deceased.given.ar": g[0], "deceased.given.lat": g[1], "deceased.family.ar": fam[0], "deceased.family.lat": fam[1],
                  "sex": "male" if n % 2 else "female", "death.date": f"{year}-{month:02d}-{day:02d}", "death.time": "04:30",
                  "death.place.ar": place[0], "death.place.lat": place[1],
                  "declarant.relation": "child", "declarant.given.ar": "كريم", "declarant.given.lat": "Karim",
                  "declarant.family.ar": fam[0], "declarant.family.lat": fam[1]})
    else:
        fg = GIVEN[(n + 3) % len(GIVEN)]
        mg = GIVEN[(n + 5) % len(GIVEN)]
        mf = FAMILY[(n + 2) % len(FAMILY)]
        f.update({"child.given.ar": g[0], "child.given.lat": g[1], "child.family.ar": fam[0], "child.family.lat": fam[1],
                  "sex": "male" if n % 2 else "female", "birth.date": f"{year}-{month:02d}-{day:02d}", "birth.time": "09:40",
                  "birth.place.ar": place[0], "birth.place.lat": place[1],
                  "father.given.ar": fg[0], "father.given.lat": fg[1], "father.family.ar": fam[0], "father.family.lat": fam[1],
                  "father.nationality": "مغربية / marocaine",
                  "mother.given.ar": mg[0], "mother.given.lat": mg[1], "mother.family.ar": mf[0], "mother.family.lat": mf[1],
                  "mother.nationality": "مغربية / marocaine", "declarant.relation": "father"})
    return f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    ap.add_argument("--offices", default="0401001,0401003,0402001,0403001,0405001,0406001")
    ap.add_argument("--years", default="1951-2002")
    ap.add_argument("--first-number", type=int, default=1)
    ap.add_argument("--disagree", type=float, default=0.01)
    ap.add_argument("--bad", type=float, default=0.001)
    ap.add_argument("--deaths", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    offices = a.offices.split(",")
    y0, y1 = map(int, a.years.split("-"))
    years = list(range(y0, y1 + 1))
    lines = []
    for i in range(a.records):
        office = offices[i % len(offices)]
        death = a.deaths and i % 4 == 3
        year = (2003 + i % 20) if death else years[(i // len(offices)) % len(years)]
        number = a.first_number + (i if death else i // (len(offices) * len(years)))
        fields = record(i, office, year, death)
        scan = f"RSK-{office}-{year}-{'D' if death else 'B'}/p{number // 4 + 1}"
        digest = hashlib.sha256(scan.encode()).hexdigest()
        base = {"office": office, "register_year": str(year), "kind": "death" if death else "birth", "act_number": str(number),
                "scan_ref": scan, "scan_sha256": digest}
        first = dict(base, keyer="K01", **fields)
        second = dict(base, keyer="K02", **fields)
        if rnd.random() < a.disagree:
            key = "death.place.lat" if death else "child.given.lat"
            second[key] = second[key] + "e"
        if rnd.random() < a.bad:
            second["register_year"] = "19x1"
        lines += [first, second]
    columns = sorted({k for line in lines for k in line})
    if a.format == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for line in lines:
            w.writerow(line)
    else:
        for line in lines:
            print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
