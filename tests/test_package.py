"""The package as a user installs it: one version source, pipelines found as package data, no import cycles."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from typer.testing import CliRunner

import claimnlp
from claimnlp.cli import app
from claimnlp.model_paths import MODELS_DIR, installed_pipelines, resolve_model
from claimnlp.version import pipeline_version

from .conftest import ROOT

SRC = ROOT / "src" / "claimnlp"


def test_one_version_source():
    assert claimnlp.__version__ == version("claimnlp")


def test_pipeline_version_names_config_and_data():
    v = pipeline_version("[nlp]\nlang = en\n", "a" * 64)
    assert v.startswith(claimnlp.__version__ + "+") and len(v.split("+")[1]) == 8
    assert v == pipeline_version("[nlp]\nlang = en\n", "a" * 64)
    assert v != pipeline_version("[nlp]\nlang = en\n", "b" * 64)  # one more training passage
    assert v != pipeline_version("[nlp]\nlang = de\n", "a" * 64)  # another config
    assert v != pipeline_version("[nlp]\nlang = en\n", "a" * 64, "0.2.0+1234abcd")  # other rule components


def test_shipped_pipelines_are_package_data_with_versions_that_match_their_config():
    shipped = {p.name: p for p in installed_pipelines() if p.kind == "shipped"}
    assert set(shipped) == {"claimnlp-rules", "claimnlp-cnn", "claimnlp-trf"}
    for name, info in shipped.items():
        assert info.path == MODELS_DIR / name and info.path.is_relative_to(Path(claimnlp.__file__).parent)
        meta = json.loads((info.path / "meta.json").read_text(encoding="utf-8"))
        config = (info.path / "config.cfg").read_text(encoding="utf-8")
        assert meta["version"] == pipeline_version(config, meta["claimnlp"]["train_data"]["sha256"],
                                                   meta["claimnlp"].get("rules")), name


def test_a_shipped_name_resolves_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_model("claimnlp-cnn") == MODELS_DIR / "claimnlp-cnn"
    assert resolve_model(None) == MODELS_DIR / "claimnlp-trf"


def test_info_lists_every_pipeline_with_version_scores_and_location():
    res = CliRunner().invoke(app, ["info"])
    assert res.exit_code == 0, res.output
    assert f"claimnlp {claimnlp.__version__}" in res.stdout
    for p in installed_pipelines():
        assert p.version in res.stdout and f"{p.name}: {p.path}" in res.stdout
    cnn = next(p for p in installed_pipelines() if p.name == "claimnlp-cnn")
    assert f"{cnn.dev['ORG']['strict_f1']:.3f}" in res.stdout


def test_the_command_line_imports_no_spacy():
    """Batch tagging's parent process runs the CLI module; spaCy and torch belong to the workers."""
    code = "import sys, claimnlp.cli; print(sorted(m for m in ('spacy', 'torch') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _imports(path: Path, module: str) -> set[str]:
    """Every claimnlp module ``path`` imports, at top level or inside a function (TYPE_CHECKING blocks excepted)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            names = [f"{base}.{a.name}" for a in node.names] + [base]
            found.update(n for n in names if n.startswith("claimnlp"))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("claimnlp"))
    return found


def test_no_import_cycles_not_even_inside_functions():
    modules = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        modules[name] = path
    graph = {m: {i for i in _imports(p, m) if i in modules and i != m} for m, p in modules.items()}
    # a package's __init__ importing its own submodules is how packages work, not a cycle
    graph = {m: {i for i in deps if not (modules[m].name == "__init__.py" and i.startswith(m + "."))}
             for m, deps in graph.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                cycles.append(" -> ".join(stack[stack.index(d):] + [d]))
            elif d not in state:
                visit(d, stack + [d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_nothing_reads_a_shared_checkout():
    """The repository works cloned alone: only the maintenance script knows about ../shared."""
    maintainers_only = {Path(__file__).name, "sync_data.py"}
    offenders = [str(p.relative_to(ROOT)) for d in ("src", "tests", "configs", "scripts") for p in (ROOT / d).rglob("*")
                 if p.is_file() and p.suffix in {".py", ".cfg", ".sh", ".yml"} and p.name not in maintainers_only
                 and ("../shared" in p.read_text(encoding="utf-8") or '"shared"' in p.read_text(encoding="utf-8"))]
    assert not offenders
