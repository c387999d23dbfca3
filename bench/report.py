"""Writing a benchmark's figures into docs/benchmarks.md, between its own markers, so that each
script rewrites its block and leaves the prose and the other blocks alone."""

from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_block(name: str, lines: list[str], *, heading: str | None = None) -> None:
    """Replace the block `<!-- name:start -->`...`<!-- name:end -->`, or append it (under
    `heading` when given) the first time."""
    text = BENCHMARKS.read_text()
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n" + "\n".join(lines) + f"\n{end}"
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text += (f"\n## {heading}\n\n" if heading else "\n") + block + "\n"
    BENCHMARKS.write_text(text)


def pytest_report(test: str, variable: str) -> tuple[str, bool]:
    """Run one test module with `variable` naming a file it writes its figures into; the
    file's text (empty when it wrote nothing) and whether the test passed."""
    import os
    import subprocess
    import sys
    import tempfile

    root = BENCHMARKS.parents[1]
    with tempfile.TemporaryDirectory(prefix="grappe-bench-") as folder:
        report = Path(folder) / "report"
        env = {**os.environ, variable: str(report)}
        command = [sys.executable, "-m", "pytest", test, "-q", "-p", "no:randomly", "-p",
                   "no:cacheprovider"]  # fmt: skip
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
        if not report.exists():
            sys.exit(f"{test} wrote no figures:\n{done.stdout}{done.stderr}")
        return report.read_text(), done.returncode == 0
