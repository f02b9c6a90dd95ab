"""Execute every notebook against another data directory and collect its text outputs."""

from gbaresearch.publish.notebooks import execute, notebook_paths


def run_all(monkeypatch, data_dir):
    monkeypatch.setenv("GBARESEARCH_DATA", str(data_dir))
    texts = {}
    for path in notebook_paths():
        nb = execute(path, timeout=300)
        parts = []
        for cell in nb.cells:
            for o in cell.get("outputs", []):
                assert o.output_type != "error", f"{path.name}: {o.get('ename')}: {o.get('evalue')}"
                parts.append(o.get("text", "") + o.get("data", {}).get("text/plain", ""))
        texts[path.name] = "\n".join(parts)
    return texts
