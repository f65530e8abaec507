"""``python -m evenkeel``: points to the command line and the Spark job."""

import sys

print("evenkeel's Python package. Use `import evenkeel` (check, check_many, check_arrow), or\n"
      "`python -m evenkeel.spark INPUT --out DIR` to audit turn tables on Spark.", file=sys.stderr)
sys.exit(2)
