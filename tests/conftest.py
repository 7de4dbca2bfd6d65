import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The suite never reads or writes a developer's own store of user layers (layers/userstore.py): every run
# gets an empty SQLite store of its own (servers started by browser tests inherit it).
import os  # noqa: E402
import tempfile  # noqa: E402

os.environ["COVERAGE_ATLAS_STORE"] = os.path.join(tempfile.mkdtemp(prefix="atlas-test-store-"), "user_layers.sqlite")
