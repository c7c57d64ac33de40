"""Check the installed, pinned dependencies against known vulnerabilities with pip-audit.

Run by ``scripts/test`` (so by CI) with the project's virtual environment active. Exit codes:

- 0: every package was audited and none has a known vulnerability;
- 1: a package has a known vulnerability (each is printed with its advisory and fix);
- 3: some packages could not be audited (no vulnerability service reachable from this
  machine: pip-audit needs PyPI's JSON API or OSV). Nothing is claimed clean: the packages
  not audited are counted and the reason is printed.

``--service osv`` (or ``PIP_AUDIT_SERVICE=osv``) asks OSV instead of PyPI; ``--osv-url`` is
passed through for a mirror of OSV's API inside a closed network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

VULNERABLE, NOT_AUDITED = 1, 3


def main(argv: list[str]) -> int:
    service = os.environ.get("PIP_AUDIT_SERVICE", "pypi")
    extra = []
    args = iter(argv)
    for arg in args:
        if arg == "--service":
            service = next(args)
        elif arg == "--osv-url":
            extra += ["--osv-url", next(args)]
    command = [
        sys.executable, "-m", "pip_audit", "--local", "--format", "json",
        "--progress-spinner", "off", "--vulnerability-service", service, *extra,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit did not produce a report:\n{done.stderr.strip()}", file=sys.stderr)
        return NOT_AUDITED
    dependencies = report["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    audited = len(dependencies) - len(skipped)
    print(
        f"pip-audit ({service}): {len(dependencies)} packages, {audited} audited, "
        f"{len(vulnerable)} with known vulnerabilities, {len(skipped)} not audited"
    )
    if vulnerable:
        return VULNERABLE
    if skipped:
        reasons = Counter(d["skip_reason"].split(":")[0] for d in skipped)
        for reason, count in reasons.most_common():
            print(f"  NOT AUDITED ({count} packages): {reason}")
        return NOT_AUDITED
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
