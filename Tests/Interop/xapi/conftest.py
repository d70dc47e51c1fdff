"""Fixtures for the xAPI LRS conformance tests, and the requirement report.

The LRS under test is Kakehashi's, served by the interop suite's session-wide `server` fixture
(Tests/Interop/conftest.py: `kakehashi serve --demo` on loopback); a test that breaks the server
has one of its own (`private_server`). Credentials come from
`kakehashi lrs credentials create --tenant … --format json`. The server is shared and never
reset: every test makes its own UUID-based agents, activities and registrations.

Each test names the requirements it checks with `@pytest.mark.requirement("XAPI-00123", …)`.
At the end of the session the plugin part below prints
`xAPI conformance: N of M requirements pass`, where a requirement passes only if every test
tagged with it ran and passed; requirements without a test are listed as not passing.
"""

import importlib.util
import json
import os
import re
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pytest
import requests

from .lrs import LRS, VERSIONS
from .requirements import ALL, CATALOGUE, COUNTED_1_0_3, COUNTED_2_0_0, EXTRA

HERE = Path(__file__).resolve().parent
INTEROP = HERE.parent
PARENT_CONFTEST = INTEROP / "conftest.py"
TENANT = "demo"
OTHER_TENANT = "xapi-other"


# --- the interop suite's fixtures when this folder is run on its own -------------------------------

def _has_parent_fixtures(pluginmanager):
    for plugin in pluginmanager.get_plugins():
        f = getattr(plugin, "__file__", None)
        if f and Path(f).resolve() == PARENT_CONFTEST:
            return True
    return False


def pytest_configure(config):
    config.addinivalue_line("markers", "requirement(*ids): the xAPI requirement IDs a test checks")
    # `pytest Tests/Interop/xapi` makes this folder the rootdir, so pytest does not read
    # Tests/Interop/conftest.py (the `server` fixture). Load it as a plain plugin then; when the
    # whole interop suite runs, pytest has loaded it already and this does nothing.
    if not _has_parent_fixtures(config.pluginmanager):
        spec = importlib.util.spec_from_file_location("kakehashi_interop_fixtures", PARENT_CONFTEST)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        config.pluginmanager.register(module, "kakehashi-interop-fixtures")
    config._xapi_report = RequirementReport()
    config.pluginmanager.register(config._xapi_report, "xapi-requirement-report")


# --- reviewed known failures ----------------------------------------------------------------------

def known_failures():
    """{node id relative to this folder: reason} from known_failures.txt."""
    out = {}
    path = HERE / "known_failures.txt"
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        node, _, reason = line.partition(" | ")
        out[node.strip()] = reason.strip() or "known failure"
    return out


def pytest_collection_modifyitems(config, items):
    """Marks the reviewed known failures xfail(strict=True): a listed test that passes fails."""
    known = known_failures()
    for item in items:
        relative = item.nodeid.split("xapi/", 1)[-1]
        if relative in known:
            item.add_marker(pytest.mark.xfail(reason=known[relative], strict=True))


# --- credentials and clients ----------------------------------------------------------------------

def create_credentials(server, tenant):
    result = server.cli("lrs", "credentials", "create", "--tenant", tenant, "--format", "json", check=False)
    if result.returncode != 0:
        pytest.fail(f"`kakehashi lrs credentials create --tenant {tenant} --format json` exited "
                    f"{result.returncode}:\n{result.stdout}\n{result.stderr}")
    try:
        answer = json.loads(result.stdout)
    except ValueError:
        pytest.fail(f"`lrs credentials create` did not print one JSON object: {result.stdout!r}")
    assert isinstance(answer, dict) and answer.get("key") and answer.get("secret"), (
        f"expected {{\"key\": …, \"secret\": …}} from `lrs credentials create`; got {answer!r}")
    return answer["key"], answer["secret"]


@pytest.fixture(scope="session")
def lrs_base(server):
    return server.url("/xapi/")


@pytest.fixture(scope="session")
def lrs_credentials(server):
    return create_credentials(server, TENANT)


@pytest.fixture(scope="session")
def lrs_session_client(server, lrs_base, lrs_credentials):
    return LRS(lrs_base, *lrs_credentials, server_base=server.base_url)


@pytest.fixture(params=VERSIONS)
def lrs(request, lrs_session_client):
    """The demo tenant's LRS client, once with each xAPI version."""
    return lrs_session_client.with_version(request.param)


@pytest.fixture
def lrs_1_0_3(lrs_session_client):
    return lrs_session_client.with_version("1.0.3")


@pytest.fixture
def lrs_2_0_0(lrs_session_client):
    return lrs_session_client.with_version("2.0.0")


@pytest.fixture(scope="session")
def other_tenant_credentials(server, tmp_path_factory):
    """Credentials of a second tenant, made the way conftest_lti.py makes one: a small synthetic
    city from `demo generate`, imported with `roster import --tenant`."""
    from_parent = _parent_module()
    folder = tmp_path_factory.mktemp("xapi-other-tenant")
    package = folder / "other.zip"
    subprocess.run([str(from_parent.BIN), "demo", "generate", "--schools", "1", "--students-per-school", "5",
                    "--seed", "9274", "--out", str(package)], check=True, capture_output=True, timeout=120)
    result = server.cli("roster", "import", str(package), "--tenant", OTHER_TENANT, check=False)
    assert result.returncode == 0, f"roster import into {OTHER_TENANT}: {result.stdout}\n{result.stderr}"
    return create_credentials(server, OTHER_TENANT)


@pytest.fixture
def other_lrs(lrs, server, lrs_base, other_tenant_credentials):
    """The second tenant's client, with the same version as `lrs` in the same test."""
    return LRS(lrs_base, *other_tenant_credentials, version=lrs.version, server_base=server.base_url)


@pytest.fixture(scope="session")
def scoped_credentials(server):
    """make(*scopes, label=None) -> (key, secret): demo-tenant credentials limited to those xAPI
    scopes (`lrs credentials create --scope …`), one per set of scopes and label (a second label
    makes a second credential with the same scopes)."""
    made = {}

    def make(*scopes, label=None):
        if (scopes, label) not in made:
            args = ["lrs", "credentials", "create", "--tenant", TENANT, "--format", "json"]
            for scope in scopes:
                args += ["--scope", scope]
            if label:
                args += ["--label", label]
            result = server.cli(*args, check=False)
            assert result.returncode == 0, f"kakehashi {' '.join(args)}: {result.stdout}\n{result.stderr}"
            answer = json.loads(result.stdout)
            made[(scopes, label)] = (answer["key"], answer["secret"])
        return made[(scopes, label)]

    return make


SMALL_BODY_LIMIT = 64 * 1024


@pytest.fixture(scope="session")
def small_limit_server(server, output_dir):
    """A second `kakehashi serve` on the same data folder (so the same tenants and credentials)
    with KAKEHASHI_LRS_MAX_BODY at 64 KiB: the 413 tests send kilobytes, not the default 32 MiB."""
    parent = _parent_module()
    port = parent.free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, KAKEHASHI_PUBLIC_URL=base, KAKEHASHI_LRS_MAX_BODY=str(SMALL_BODY_LIMIT))
    with open(output_dir / "interop-kakehashi-small-limit.log", "w") as log:
        process = subprocess.Popen([str(parent.BIN), "serve", "--port", str(port), "--data-dir", str(server.data_dir)],
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + parent.STARTUP_SECONDS
            while True:
                assert process.poll() is None, f"the second kakehashi serve exited {process.returncode}; see {log.name}"
                try:
                    if requests.get(base + "/healthz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                assert time.monotonic() < deadline, f"the second kakehashi serve did not answer; see {log.name}"
                time.sleep(0.2)
            yield base
        finally:
            parent.stop(process, "kakehashi serve (small body limit)")


@pytest.fixture
def small_limit_lrs(lrs, small_limit_server, lrs_credentials):
    """The demo tenant's LRS behind the 64 KiB limit, with the same version as `lrs`."""
    return LRS(small_limit_server + "/xapi/", *lrs_credentials, version=lrs.version, server_base=small_limit_server)


@pytest.fixture
def private_server(request, output_dir):
    """A `kakehashi serve --demo` of the test's own (its own data folder and SQLite file), for
    tests that break the server's storage: never the session's shared server."""
    parent = _parent_module()
    name = re.sub(r"[^\w.]+", "-", request.node.name).strip("-")
    log = output_dir / f"interop-kakehashi-private-{name}.log"
    with tempfile.TemporaryDirectory(prefix="kakehashi-interop-private-") as data_dir:
        app = parent.Kakehashi(parent.free_port(), data_dir, log)
        app.start()
        try:
            yield app
        finally:
            app.stop()


def _parent_module():
    import sys
    for name in ("conftest", "kakehashi_interop_fixtures"):
        module = sys.modules.get(name)
        if module is not None and Path(getattr(module, "__file__", "")).resolve() == PARENT_CONFTEST:
            return module
    raise AssertionError("Tests/Interop/conftest.py is not loaded")


# --- the requirement report -----------------------------------------------------------------------

def _test_version(item):
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        for name in ("lrs", "other_lrs", "version"):
            if name in callspec.params and callspec.params[name] in VERSIONS:
                return callspec.params[name]
    if "lrs_2_0_0" in item.fixturenames:
        return "2.0.0"
    if "lrs_1_0_3" in item.fixturenames:
        return "1.0.3"
    return None  # version-independent


class RequirementReport:
    def __init__(self):
        self.tags = {}  # nodeid -> (requirement ids, version or None)
        self.outcome = {}  # nodeid -> "passed" | "failed" | "skipped"

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, session, config, items):
        for item in items:
            ids = []
            for mark in item.iter_markers("requirement"):
                ids.extend(mark.args)
            if not ids:
                continue
            unknown = [i for i in ids if i not in ALL]
            if unknown:
                raise pytest.UsageError(f"{item.nodeid}: requirement ids not in the catalogue: {unknown}")
            self.tags[item.nodeid] = (sorted(set(ids)), _test_version(item))

    def pytest_runtest_logreport(self, report):
        if report.nodeid not in self.tags:
            return
        if report.failed:
            self.outcome[report.nodeid] = "failed"
        elif report.skipped and self.outcome.get(report.nodeid) != "failed":
            self.outcome[report.nodeid] = "skipped"
        elif report.when == "call" and report.passed and report.nodeid not in self.outcome:
            self.outcome[report.nodeid] = "passed"

    def status(self, ids, version=None):
        """{requirement id: (passed?, tests, failing tests)} over the tests of `version` (or all)."""
        tests = defaultdict(list)
        for nodeid, (reqs, v) in self.tags.items():
            if version is not None and v not in (None, version):
                continue
            for r in reqs:
                tests[r].append(nodeid)
        out = {}
        for r in ids:
            t = tests.get(r, [])
            bad = [n for n in t if self.outcome.get(n) != "passed"]
            out[r] = (bool(t) and not bad, t, bad)
        return out

    def lines(self):
        if not self.tags:
            return []
        lines = []
        overall = self.status(COUNTED_1_0_3)
        passing = [r for r, (ok, _, _) in overall.items() if ok]
        untested = [r for r, (_, t, _) in overall.items() if not t]
        failing = [r for r, (ok, t, _) in overall.items() if t and not ok]
        lines.append(f"xAPI conformance: {len(passing)} of {len(COUNTED_1_0_3)} requirements pass")
        if failing:
            lines.append(f"  not passing ({len(failing)}): {' '.join(failing)}")
        if untested:
            lines.append(f"  without a test, so not passing ({len(untested)}): {' '.join(untested)}")
        withdrawn = [r.id for r in CATALOGUE.values() if r.scope == "gone"]
        lines.append(f"  withdrawn by the ADL suite, not counted: {' '.join(withdrawn)}")
        for version, counted in (("1.0.3", COUNTED_1_0_3), ("2.0.0", COUNTED_2_0_0)):
            st = self.status(counted, version)
            ok = sum(1 for v in st.values() if v[0])
            lines.append(f"xAPI {version} (tests run with that version): {ok} of {len(counted)} requirements pass")
        extra = self.status(sorted(EXTRA))
        ok = [r for r, v in extra.items() if v[0]]
        lines.append(f"Kakehashi and 2.0.0-only requirements: {len(ok)} of {len(extra)} pass"
                     + ("" if len(ok) == len(extra) else
                        f"; not passing: {' '.join(r for r, v in extra.items() if not v[0])}"))
        return lines

    def pytest_terminal_summary(self, terminalreporter, config):
        if config.option.collectonly:
            return
        lines = self.lines()
        if not lines:
            return
        terminalreporter.section("xAPI requirements")
        for line in lines:
            terminalreporter.write_line(line)
        out = Path(os.environ.get("KAKEHASHI_TEST_OUTPUT", INTEROP.parents[1] / "test-output"))
        try:
            out.mkdir(parents=True, exist_ok=True)
            report = {
                r: {"text": ALL[r].text, "scope": ALL[r].scope, "passed": ok, "tests": t, "not_passing": bad}
                for r, (ok, t, bad) in self.status(sorted(ALL)).items()
            }
            (out / "xapi-conformance.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
            terminalreporter.write_line(f"(per-requirement detail: {out / 'xapi-conformance.json'})")
        except OSError:
            pass
