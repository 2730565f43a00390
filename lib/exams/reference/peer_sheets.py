"""Runs the e2x-exam-sheets peer (PyPI 0.1.1) on a JSON job from stdin; used by tests and bench.

Job: {"out": path, "language": "de"|"en", "date": str, "semester": str, "exam_name": str,
      "examiners": [str], "university_name": str, "department_name": str, "degree_program": str,
      "students": [{"first_name", "last_name", "room", "seat", "username", "password", "is_backup"}]}
Prints {"seconds": float, "pages": int}.
"""
import json
import sys
import time

import pandas as pd
import PyPDF2
from e2x_exam_sheets import ExamSheetGenerator

job = json.load(sys.stdin)
t0 = time.perf_counter()
gen = ExamSheetGenerator(
    date=job["date"],
    semester=job["semester"],
    exam_name=job["exam_name"],
    examiners=job["examiners"],
    university_name=job["university_name"],
    department_name=job["department_name"],
    degree_program=job["degree_program"],
    language=job["language"],
)
gen.generate_pdf(pd.DataFrame(job["students"]), job["out"])
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "pages": len(PyPDF2.PdfReader(job["out"]).pages)}))
