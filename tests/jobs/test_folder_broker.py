"""The folder broker never shows a worker a message still being written."""

import json
import os

from kombu import Connection

from handbook.folder_broker import Transport


def test_a_message_appears_in_the_folder_whole_or_not_at_all(tmp_path, monkeypatch):
    folder = tmp_path / "queue"
    folder.mkdir()
    seen = []
    real_replace = os.replace

    def replace(source, target):
        # At the moment of the rename the reader's name does not exist yet: only the part file.
        seen.append(sorted(p.name for p in folder.iterdir()))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder)}
    with Connection("filesystem://", transport=Transport, transport_options=options) as connection:
        queue = connection.SimpleQueue("jobs")
        queue.put({"task": "probe"})
        (before,) = seen
        assert len(before) == 1 and before[0].endswith(".jobs.msg.part")
        (written,) = [p for p in folder.iterdir() if p.name.endswith(".jobs.msg")]
        assert json.loads(written.read_bytes())  # whole
        assert queue.get(timeout=5).payload == {"task": "probe"}
        queue.close()
