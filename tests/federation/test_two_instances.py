"""Two real Grappe instances on loopback ports, each with its own data folder and SQLite
database: B pulls A with `grappe federation`, as two clusters' operators would.

A is loaded with the demo and served by `grappe serve`; B is served too (its own feed must
not publish what it pulled). Writes on either side go through `grappe shell -c` in its data
folder. Every process is stopped when the module ends.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.federation.support import answer, http_server

pytestmark = pytest.mark.slow

GRAPPE = str(Path(sys.executable).with_name("grappe"))
# Every entry of an instance as the feed would write it, keyed by kind and slug, and what a
# pull may have written besides: the history's revisions and each peer's last error.
SNAPSHOT = """
import json
from reversion.models import Revision
from grappe.federation.kinds import MODELS
from grappe.federation.models import Peer
from grappe.federation.records import record_of
entries = {}
for kind, model in MODELS.items():
    for entry in model.objects.all():
        record = record_of(entry)
        for name in ("offerings", "certifications", "software_relations", "references"):
            if name in record:
                record[name] = sorted(record[name], key=lambda r: json.dumps(r, default=str))
        entries[f"{kind}:{entry.slug}"] = record
errors = {peer.name: peer.last_error for peer in Peer.objects.all()}
snapshot = {"entries": entries, "revisions": Revision.objects.count(), "errors": errors}
print("SNAPSHOT " + json.dumps(snapshot, default=str, sort_keys=True))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Instance:
    """One Grappe: a data folder, a port, and the `grappe` command run in its environment."""

    def __init__(self, data_dir: Path, name: str):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.environment = {
            **os.environ,
            "GRAPPE_DATA_DIR": str(data_dir),
            "GRAPPE_CLUSTER_NAME": name,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "grappe.settings",
        }
        for inherited in ("DATABASE_URL", "SECRET_KEY"):  # each instance has its own SQLite
            self.environment.pop(inherited, None)
        self.server: subprocess.Popen | None = None

    def grappe(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [GRAPPE, *args], capture_output=True, text=True, env=self.environment, timeout=120
        )

    def shell(self, code: str) -> str:
        result = self.grappe("shell", "-c", code)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def snapshot(self) -> dict:
        line = next(x for x in self.shell(SNAPSHOT).splitlines() if x.startswith("SNAPSHOT "))
        return json.loads(line.removeprefix("SNAPSHOT "))

    def start(self) -> None:
        log = open(self.data_dir / "server.log", "wb")  # noqa: SIM115 (closed with the process)
        self.server = subprocess.Popen(
            [GRAPPE, "serve", f"127.0.0.1:{self.port}"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.environment,
            start_new_session=True,
        )
        log.close()

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.server.poll() is None, (self.data_dir / "server.log").read_text()
            try:
                with urllib.request.urlopen(f"{self.url}/federation/feed", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"{self.url} did not start: {(self.data_dir / 'server.log').read_text()}")

    def feed(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/federation/feed", timeout=10) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        if self.server is None or self.server.poll() is not None:
            return
        os.killpg(self.server.pid, signal.SIGTERM)
        try:
            self.server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.server.pid, signal.SIGKILL)
            self.server.wait(10)


def snapshots(*instances: Instance) -> list[dict]:
    """The instances' snapshots, taken side by side (each is a process of its own)."""
    with ThreadPoolExecutor(len(instances)) as pool:
        return list(pool.map(Instance.snapshot, instances))


@pytest.fixture(scope="module")
def instances(tmp_path_factory) -> Iterator[tuple[Instance, Instance]]:
    a = Instance(tmp_path_factory.mktemp("cluster-a"), "Cluster A")
    b = Instance(tmp_path_factory.mktemp("cluster-b"), "Cluster B")
    try:
        a.start()  # `grappe serve` migrates first
        b.start()
        a.wait_until_serving()
        b.wait_until_serving()
        demo = a.grappe("demo")
        assert demo.returncode == 0, demo.stdout + demo.stderr
        added = b.grappe("federation", "add", a.url)
        assert added.returncode == 0, added.stderr
        assert "Cluster A" in added.stdout  # the name its feed gives
        yield a, b
    finally:
        a.stop()
        b.stop()


def pull(instance: Instance, name: str = "Cluster A") -> subprocess.CompletedProcess:
    return instance.grappe("federation", "pull", name)


def test_b_pulls_a_creations_updates_deletions_and_keeps_its_local_edits(instances):
    a, b = instances
    first = pull(b)
    assert first.returncode == 0, first.stdout + first.stderr
    on_a, on_b = snapshots(a, b)
    assert f"{len(on_a['entries'])} " in first.stdout  # the report counts them
    assert on_b["entries"] == on_a["entries"]

    # A second pull writes nothing: no new revision, the same entries.
    second = pull(b)
    assert second.returncode == 0, second.stdout + second.stderr
    assert b.snapshot() == on_b

    # An update and a deletion on A reach B.
    event = next(key for key in on_a["entries"] if key.startswith("event:"))
    a.shell(
        "from grappe.directory.models import Event, Software\n"
        "s = Software.objects.get(slug='nextcloud'); s.latest_version = '99.0.1'; s.save()\n"
        f"Event.objects.get(slug='{event.split(':')[1]}').delete()"
    )
    assert pull(b).returncode == 0
    on_a, on_b = snapshots(a, b)
    assert on_b["entries"]["software:nextcloud"]["latest_version"] == "99.0.1"
    assert event not in on_b["entries"]
    assert on_b["entries"] == on_a["entries"]

    # B edits an organisation; A's next change to it does not overwrite B's edit.
    edit = (
        "from grappe.directory.models import Organisation\n"
        "o = Organisation.objects.get(slug='teclib')\n"
        "o.{field} = '{value}'; o.save()"
    )
    b.shell(edit.format(field="description_fr", value="Modifié par le cluster B."))
    a.shell(edit.format(field="legal_name", value="CHANGED BY A"))
    kept = pull(b)
    assert kept.returncode == 0, kept.stdout
    assert "teclib" in kept.stdout  # reported as a kept local edit
    record = b.snapshot()["entries"]["organisation:teclib"]
    assert record["description_fr"] == "Modifié par le cluster B."
    assert record.get("legal_name") != "CHANGED BY A"

    # B publishes only its own entries: none of A's come back from B's feed.
    assert b.feed()["items"] == []
    published = [item for item in a.feed()["items"] if not item.get("deleted")]
    assert len(published) == len(on_a["entries"])  # one page of 200 holds the demo


def test_unreachable_and_malformed_peers_are_reported_and_change_nothing(instances):
    _a, b = instances
    before = b.snapshot()

    closed = f"http://127.0.0.1:{free_port()}"
    assert b.grappe("federation", "add", closed, "--name", "Ghost").returncode == 0
    ghost = pull(b, "Ghost")
    assert ghost.returncode != 0
    assert "Traceback" not in ghost.stderr

    with http_server(answer(200, b"<html>not a feed</html>")) as garbage_url:
        assert b.grappe("federation", "add", garbage_url, "--name", "Garbage").returncode == 0
        garbage = pull(b, "Garbage")
    assert garbage.returncode != 0
    assert "Traceback" not in garbage.stderr

    after = b.snapshot()
    errors = after["errors"]
    assert closed in errors["Ghost"] and garbage_url in errors["Garbage"]
    assert errors["Ghost"] in ghost.stdout and errors["Garbage"] in garbage.stdout
    assert errors["Cluster A"] == ""
    assert (after["entries"], after["revisions"]) == (before["entries"], before["revisions"])
