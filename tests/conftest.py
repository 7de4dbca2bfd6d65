import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The suite never reads or writes a developer's own store of user layers (layers/userstore.py): every run
# gets an empty SQLite store of its own (servers started by browser tests inherit it).
import atexit  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

_STORE_DIR = tempfile.mkdtemp(prefix="atlas-test-store-")
atexit.register(shutil.rmtree, _STORE_DIR, ignore_errors=True)  # one per run, gone with it
os.environ["COVERAGE_ATLAS_STORE"] = os.path.join(_STORE_DIR, "user_layers.sqlite")
