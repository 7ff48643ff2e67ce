"""HTCDS import benchmark data: `generate_rows(n)` gives a CSV of n fictitious Dreamland cases, every row
valid, with the columns an agency's export typically fills (names, details, victim context, a route of
two or three stages, a perpetrator). The aim (docs/benchmarks.md): 100,000 rows imported in under 60 s on
SQLite, through cases.services.htcds.htcds_import.

`generate_junk(n, header)` gives n rows of short random junk in every column of `header` (the 78 columns of
an export): every cell fails validation, the worst case for an all-or-nothing import (issue 9: 50,000 such
rows, about 19 MB, near the 20 MiB request limit).

Standalone: `python bench/htcds_io.py 1000 > rows.csv`.
"""

from __future__ import annotations

import csv
import io
import random
import sys

GIVEN = ["Amina", "Olena", "Mirela", "Thi", "Grace", "Nadia", "Ioana", "Fatou", "Leyla", "Rosa", "Kwame", "Ivan",
         "Samir", "Dmytro", "Jonah", "Aziz", "Elif", "Marta", "Yusuf", "Chen"]
FAMILY = ["Yusuf", "Kovalenko", "Popescu", "Nguyen", "Okafor", "Haddad", "Ionescu", "Diallo", "Aliyeva", "Mendes",
          "Mensah", "Petrov", "Khalil", "Bondar", "Adeyemi", "Karimov", "Demir", "Novak", "Ibrahim", "Li"]
PLACES = ["Eastvale", "Westharbour", "Northgate", "Southmere", "Rivertown", "Hillcrest", "Lakeside", "Stonebridge"]
COUNTRIES = ["XD", "XP", "XM"]
LANGUAGES = ["ara", "rus", "ukr", "ron", "vie", "eng", "fra", "tur"]
CONTROL = ["DebtBondage", "TakesEarnings", "Threats", "PsychologicalAbuse", "PhysicalAbuse", "FalsePromises",
           "RestrictsMovement", "WithholdsDocuments", "ExcessiveWorkingHours"]
INDUSTRY = ["Agriculture", "Construction", "DomesticWork", "Hospitality", "Manufacturing"]
HEADER = ["prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_IdentityNumber", "prs_Sex", "prs_Gender",
          "prs_Citizenship", "prs_PrimaryLanguage", "prs_MaritalStatus", "prs_HighestEducation",
          "prs_MigrationStatus", "vic_TypeOfExploitation", "vic_ForcedLabourIndustry", "vic_TypeOfSexExploitation",
          "vic_MethodsOfControl", "vic_MethodOfRecruitment", "vic_CountryOfRecruitment",
          "vic_RelationshipToTrafficker", "vic_CountryOfExploitation", "hte1_Type", "hte1_Date", "hte1_Place",
          "hte1_Country", "hte2_Type", "hte2_Date", "hte2_Place", "hte2_Country", "hte3_Type", "hte3_Date",
          "hte3_Place", "hte3_Country", "per1_RoleInProcess", "per1_RoleDetails"]


def _row(rng: random.Random, n: int) -> list[str]:
    female = rng.random() < 0.7
    year = rng.randint(1965, 2005)
    sexual = female and rng.random() < 0.5
    recruited = rng.randint(2015, 2022)
    route = [("Recruitment", f"{recruited}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}", rng.choice(PLACES), "XP"),
             ("Transit", f"{recruited + 1}-0{rng.randint(1, 9)}-0{rng.randint(1, 9)}", rng.choice(PLACES), "XM"),
             ("Exploitation", f"{recruited + 2}-1{rng.randint(0, 2)}-2{rng.randint(0, 8)}", rng.choice(PLACES), "XD")]
    if rng.random() < 0.4:
        route = [route[0], route[2]]
    cells = [
        rng.choice(GIVEN), rng.choice(FAMILY), f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"DL-{n:08d}", "Female" if female else "Male", "Feminine" if female else "Masculine",
        "; ".join(rng.sample(COUNTRIES, rng.randint(1, 2))), rng.choice(LANGUAGES),
        rng.choice(["Single", "Married", "Divorced", "Unknown"]), rng.choice(["Primary", "LowerSecondary",
                                                                            "UpperSecondary", "Tertiary"]),
        rng.choice(["Labour", "Irregular", "NotAMigrant", "VisitorTourist"]),
        "SexualExploitation" if sexual else "ForcedLabour",
        "" if sexual else rng.choice(INDUSTRY), "Prostitution" if sexual else "",
        "; ".join(rng.sample(CONTROL, rng.randint(1, 4))), rng.choice(["JobOffer", "PersonalNetwork", "Online"]),
        "XP", rng.choice(["Acquainted", "Unacquainted", "Familial"]), "XD",
    ]
    for number in range(3):
        cells += list(route[number]) if number < len(route) else ["", "", "", ""]
    return [*cells, "Exploiter", "Ran the workplace"]


def generate_rows(n: int, *, seed: int = 197) -> bytes:
    """A CSV (UTF-8) of n valid, fictitious Dreamland cases with a header row."""
    rng = random.Random(seed)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for n_row in range(n):
        writer.writerow(_row(rng, n_row))
    return buffer.getvalue().encode()


JUNK = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#%&()*/?!"


def generate_junk(n: int, header: list[str], *, seed: int = 78) -> bytes:
    """A CSV of n rows of 2-6 random characters in every column: nothing in it is valid."""
    rng = random.Random(seed)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    pool = ["".join(rng.choice(JUNK) for _ in range(rng.randint(2, 6))) for _ in range(5000)]
    width = len(header)
    for _ in range(n):
        writer.writerow(rng.choices(pool, k=width))
    return buffer.getvalue().encode()


if __name__ == "__main__":
    sys.stdout.buffer.write(generate_rows(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
