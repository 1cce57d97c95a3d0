"""Run the Python client's own scan_cache_dir on a cache and print JSON.

Usage: python3 pyscan.py HUGGINGFACE_HUB_SRC CACHE_DIR [COMMIT...]

With commits, also prints the strategy of delete_revisions(*commits).

Only huggingface_hub/utils/_cache_manager.py is loaded from the client's
source; the few modules it imports are replaced by minimal shims so that no
third-party package (httpx, filelock, tqdm...) is needed.
"""
import json
import os
import sys
import tempfile
import types


def main():
    src, cache_dir = sys.argv[1], sys.argv[2]
    pkg = types.ModuleType("huggingface_hub")
    pkg.__path__ = []
    errors = types.ModuleType("huggingface_hub.errors")

    class CacheNotFound(Exception):
        def __init__(self, msg, cache_dir=None, *a, **k):
            super().__init__(msg)

    class CorruptedCacheException(Exception):
        pass

    errors.CacheNotFound = CacheNotFound
    errors.CorruptedCacheException = CorruptedCacheException
    constants = types.ModuleType("huggingface_hub.constants")
    constants.HF_HUB_CACHE = cache_dir
    utils = types.ModuleType("huggingface_hub.utils")
    utils.__path__ = []
    logging_mod = types.ModuleType("huggingface_hub.utils.logging")
    import logging

    logging_mod.get_logger = logging.getLogger
    parsing = types.ModuleType("huggingface_hub.utils._parsing")
    parsing.format_timesince = lambda ts: str(ts)
    terminal = types.ModuleType("huggingface_hub.utils._terminal")
    terminal.tabulate = lambda *a, **k: ""
    for name, mod in {
        "huggingface_hub": pkg,
        "huggingface_hub.errors": errors,
        "huggingface_hub.constants": constants,
        "huggingface_hub.utils": utils,
        "huggingface_hub.utils.logging": logging_mod,
        "huggingface_hub.utils._parsing": parsing,
        "huggingface_hub.utils._terminal": terminal,
    }.items():
        sys.modules[name] = mod
    utils.logging = logging_mod

    path = os.path.join(src, "huggingface_hub", "utils", "_cache_manager.py")
    import importlib.util

    spec = importlib.util.spec_from_file_location("huggingface_hub.utils._cache_manager", path)
    cm = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = cm
    spec.loader.exec_module(cm)

    info = cm.scan_cache_dir(cache_dir)
    out = {"size_on_disk": info.size_on_disk, "warnings": [str(w) for w in info.warnings], "repos": []}
    for repo in sorted(info.repos, key=lambda r: (r.repo_type, r.repo_id)):
        out["repos"].append({
            "repo_type": repo.repo_type,
            "repo_id": repo.repo_id,
            "size_on_disk": repo.size_on_disk,
            "nb_files": repo.nb_files,
            "last_accessed": repo.last_accessed,
            "last_modified": repo.last_modified,
            "refs": {k: v.commit_hash for k, v in repo.refs.items()},
            "revisions": [{
                "commit_hash": rev.commit_hash,
                "size_on_disk": rev.size_on_disk,
                "nb_files": rev.nb_files,
                "refs": sorted(rev.refs),
                "last_modified": rev.last_modified,
                "files": sorted([str(f.file_path), str(f.blob_path), f.size_on_disk] for f in rev.files),
            } for rev in sorted(repo.revisions, key=lambda r: r.commit_hash)],
        })
    if len(sys.argv) > 3:
        st = info.delete_revisions(*sys.argv[3:])
        out["delete"] = {
            "repos": sorted(str(p) for p in st.repos),
            "snapshots": sorted(str(p) for p in st.snapshots),
            "refs": sorted(str(p) for p in st.refs),
            "blobs": sorted(str(p) for p in st.blobs),
            "expected_freed_size": st.expected_freed_size,
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
