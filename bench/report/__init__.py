"""bench/run-all's report: parse.py reads what each benchmark printed, markdown.py writes the tables into
docs/performance.md between its markers, plots.py draws the PNG plots under docs/performance/."""
