"""A model run in-process by Hugging Face Transformers (CPU, CUDA or Apple's MPS), for a machine without a
model server.

Local or nothing: every load passes ``local_files_only=True`` (a model id must already be in the Hugging
Face cache; ALMA never downloads a model) and ``trust_remote_code=False`` (a model that needs code from its
repository is refused, never run). ``LocalModelConfig.model`` is a model id found in that cache, a
directory saved by ``save_pretrained``, a directory holding one ``.gguf`` file, or a ``.gguf`` file. GGUF
files load through Transformers' own GGUF support, tokenizer included (the weights are de-quantized: memory
is that of the full-precision model; Transformers needs ``accelerate`` for it).

The model loads once — at ``load()`` or on first use — and is warmed up with a one-token generation. Every
generation runs in the backend's single worker thread, so one model never runs two generations at once and
the event loop never blocks; ``stream`` receives its pieces through Transformers'
``AsyncTextIteratorStreamer``. A generation stops at its next token when its caller goes away (a cancelled
``complete``, a stream closed early) or the backend closes.

JSON: there is no grammar here to constrain the output. With ``json_schema`` the schema goes into the
system prompt, the answer is started with ``{`` for the model to continue, and the first JSON object in it
is returned; callers validate it, as with any backend. An answer that holds no JSON object is a
``ModelError``.

``timeout_s`` bounds each generation of ``complete`` (``ModelTimeoutError``) and, in ``stream``, the wait
for each next piece (which includes waiting for a generation already running to finish).

torch and transformers are imported when the model loads, never with this module: ``import alma.llm``
stays cheap. This module is longer than most because loading, prompting and both ways of generating share
the one worker thread and its stop signals.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import threading
import time
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PositiveInt

from alma.errors import ConfigurationError
from alma.llm.backend import LLMBackend, Message
from alma.llm.errors import ModelError, ModelTimeoutError

__all__ = [
    "DEFAULT_LOCAL_MODEL",
    "Device",
    "DeviceSetting",
    "LocalModelConfig",
    "TransformersBackend",
    "first_json_object",
    "pick_device",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_LOCAL_MODEL = "Qwen/Qwen2.5-0.5B-Instruct"
DeviceSetting = Literal["auto", "cpu", "cuda", "mps"]
Device = Literal["cpu", "cuda", "mps"]
_JSON_START = "{"
_JSON_INSTRUCTION = "Answer with one JSON object only, and nothing else. It follows this JSON schema:\n"
_WARM_UP: list[dict[str, str]] = [{"role": "user", "content": "Hi"}]


class LocalModelConfig(BaseModel):
    """One model run in-process. ``model``: a model id in the local Hugging Face cache, a model directory,
    or a ``.gguf`` file (or a directory holding one); ``gguf_file`` names the file inside a directory or
    cached repository that holds several."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(default=DEFAULT_LOCAL_MODEL, min_length=1)
    gguf_file: str | None = None
    device: DeviceSetting = "auto"
    temperature: float = Field(default=0.0, ge=0, le=2)
    max_tokens: PositiveInt = 512
    timeout_s: float = Field(default=60.0, gt=0)
    # torch's CPU threads (set in the worker thread at load; torch may apply it process-wide). None: torch's
    # default, one per core. On a CPU shared with other busy processes, fewer threads can be several times
    # faster: OpenMP's threads wait for each other at every step.
    threads: PositiveInt | None = None


def pick_device(setting: str, cuda_available: bool, mps_available: bool) -> Device:
    """The device for ``setting``: ``auto`` prefers CUDA, then MPS, then the CPU; a named device that torch
    cannot use here is a ``ConfigurationError``, never a silent fallback to another one."""
    if setting == "auto":
        return "cuda" if cuda_available else "mps" if mps_available else "cpu"
    if setting == "cpu":
        return "cpu"
    if setting in ("cuda", "mps"):
        if not (cuda_available if setting == "cuda" else mps_available):
            raise ConfigurationError(
                f"the device {setting} was asked for (ALMA_LLM_DEVICE) but torch cannot use it on this machine; "
                "set ALMA_LLM_DEVICE=auto or cpu"
            )
        return "cuda" if setting == "cuda" else "mps"
    raise ConfigurationError(f"unknown device {setting!r} (ALMA_LLM_DEVICE): use auto, cpu, cuda or mps")


def first_json_object(text: str) -> str | None:
    """The first complete JSON object in ``text``, as written there; ``None`` when it holds none."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            _, end = decoder.raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        return text[start:end]
    return None


@dataclass(frozen=True, slots=True)
class _Source:
    """What ``from_pretrained`` reads: a model id or a directory, and the GGUF file in it if any."""

    name_or_path: str
    gguf_file: str | None
    is_path: bool

    def __str__(self) -> str:
        if self.gguf_file is None:
            return self.name_or_path
        return (
            str(Path(self.name_or_path) / self.gguf_file) if self.is_path else f"{self.name_or_path}:{self.gguf_file}"
        )


def _locate(model: str, gguf_file: str | None) -> _Source:
    """Where the model is, from the settings alone (no torch, no cache look-up): a missing path fails early."""
    path = Path(model).expanduser()
    if path.is_file():
        if path.suffix.lower() != ".gguf":
            raise ConfigurationError(
                f"ALMA_LLM_MODEL={model} is a file but not a .gguf file: name a model id, a model directory "
                "or a .gguf file"
            )
        if gguf_file is not None and gguf_file != path.name:
            raise ConfigurationError(
                f"ALMA_LLM_MODEL names the file {path.name} and ALMA_LLM_GGUF_FILE names {gguf_file}: unset one"
            )
        return _Source(str(path.parent), path.name, is_path=True)
    if path.is_dir():
        if gguf_file is not None:
            if not (path / gguf_file).is_file():
                raise ConfigurationError(f"there is no {gguf_file} (ALMA_LLM_GGUF_FILE) in {path} (ALMA_LLM_MODEL)")
            return _Source(str(path), gguf_file, is_path=True)
        if (path / "config.json").is_file():
            return _Source(str(path), None, is_path=True)
        found = sorted(p.name for p in path.glob("*.gguf"))
        if len(found) == 1:
            return _Source(str(path), found[0], is_path=True)
        if found:
            raise ConfigurationError(
                f"{path} (ALMA_LLM_MODEL) holds several .gguf files ({', '.join(found)}): name one with "
                "ALMA_LLM_GGUF_FILE"
            )
        raise ConfigurationError(
            f"{path} (ALMA_LLM_MODEL) holds neither a model saved by Transformers (config.json) nor a .gguf file"
        )
    if path.is_absolute() or model.startswith((".", "~")) or model.lower().endswith(".gguf"):
        raise ConfigurationError(f"there is no model file or directory {model} (ALMA_LLM_MODEL)")
    return _Source(model, gguf_file, is_path=False)


@dataclass(frozen=True, slots=True)
class _Loaded:
    """The loaded model, its tokenizer, and the libraries (imported at load, not with this module)."""

    model: Any
    tokenizer: Any
    device: Device
    torch: Any
    transformers: Any
    template_error: type[Exception]


@dataclass(frozen=True, slots=True)
class _Request:
    messages: list[dict[str, str]]
    start: str  # the beginning of the answer, written for the model: "{" for a JSON answer
    temperature: float
    max_tokens: int


class _Stop:
    """A stopping criterion for ``generate``: stop when any event is set or the deadline has passed."""

    def __init__(self, torch: Any, *events: threading.Event, deadline: float | None = None) -> None:
        self._torch = torch
        self._events = events
        self._deadline = deadline
        self.timed_out = False

    @property
    def stopped(self) -> bool:
        return any(event.is_set() for event in self._events)

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        if self._deadline is not None and time.monotonic() >= self._deadline:
            self.timed_out = True
        done = self.timed_out or self.stopped
        return self._torch.full((input_ids.shape[0],), done, dtype=self._torch.bool, device=input_ids.device)


class TransformersBackend:
    """``LLMBackend`` in-process. Made cheaply (paths checked, nothing loaded); ``load()`` or the first call
    loads the model; ``aclose`` stops a running generation, ends the worker thread and frees the model."""

    def __init__(self, config: LocalModelConfig | None = None) -> None:
        self._config = config or LocalModelConfig()
        self._source = _locate(self._config.model, self._config.gguf_file)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alma-llm")
        self._closing = threading.Event()
        self._loaded: _Loaded | None = None
        self.what = f"local model {self._source}"

    def __repr__(self) -> str:
        return f"TransformersBackend(model={str(self._source)!r}, device={self._config.device!r})"

    @property
    def config(self) -> LocalModelConfig:
        return self._config

    @property
    def device(self) -> Device | None:
        """The device the model runs on; ``None`` until it is loaded."""
        return None if self._loaded is None else self._loaded.device

    async def __aenter__(self) -> TransformersBackend:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def load(self) -> None:
        """Loads and warms up the model unless it is loaded already; raises ``ConfigurationError`` when it
        cannot be found locally or cannot run on the configured device."""
        await self._in_worker(self._load)

    async def aclose(self) -> None:
        self._closing.set()
        await asyncio.to_thread(self._worker.shutdown, wait=True, cancel_futures=True)
        self._loaded = None

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        json_schema: Mapping[str, Any] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> str:
        request = self._request(messages, json_schema, temperature, max_tokens)
        cancelled = threading.Event()
        try:
            answer = await self._in_worker(self._complete, request, cancelled)
        finally:
            cancelled.set()  # a caller that went away stops the generation at its next token
        if json_schema is None:
            return answer
        found = first_json_object(request.start + answer)
        if found is None:
            raise ModelError(f"{self.what}: the answer holds no JSON object: {(request.start + answer)[:200]!r}")
        return found

    async def stream(
        self,
        messages: Sequence[Message],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> AsyncGenerator[str, None]:
        request = self._request(messages, None, temperature, max_tokens)
        loaded = await self._in_worker(self._load)
        streamer = loaded.transformers.AsyncTextIteratorStreamer(
            loaded.tokenizer, skip_prompt=True, timeout=self._config.timeout_s, skip_special_tokens=True
        )
        left = threading.Event()
        job = self._worker.submit(self._stream_into, loaded, request, streamer, left)
        job.add_done_callback(lambda done: _end_if_cancelled(done, streamer))
        try:
            while True:
                try:
                    piece: str = await anext(streamer)
                except StopAsyncIteration:
                    break
                except TimeoutError as exc:
                    raise ModelTimeoutError(
                        f"{self.what}: no next piece within {self._config.timeout_s:g}s (streaming)"
                    ) from exc
                if piece:
                    yield piece
        finally:
            left.set()  # a caller that stops early stops the generation at its next token
            job.cancel()  # if it has not started
        if job.cancelled():
            raise ModelError(f"{self.what}: the backend was closed before the answer started")
        await asyncio.wrap_future(job)  # the generation's failure, if any, after its pieces

    async def _in_worker(self, function: Callable[..., T], *args: Any) -> T:
        if self._closing.is_set():
            raise RuntimeError(f"{self!r} is closed")
        return await asyncio.wrap_future(self._worker.submit(function, *args))

    def _request(
        self,
        messages: Sequence[Message],
        json_schema: Mapping[str, Any] | None,
        temperature: float | None,
        max_tokens: int | None,
    ) -> _Request:
        if not messages:
            raise ValueError("a chat completion needs at least one message")
        chat = [{"role": m["role"], "content": m["content"]} for m in messages]
        start = ""
        if json_schema is not None:
            instruction = _JSON_INSTRUCTION + json.dumps(json_schema, separators=(",", ":"))
            if chat[0]["role"] == "system":
                chat[0] = {"role": "system", "content": f"{chat[0]['content']}\n\n{instruction}"}
            else:
                chat.insert(0, {"role": "system", "content": instruction})
            start = _JSON_START
        return _Request(
            chat,
            start,
            self._config.temperature if temperature is None else temperature,
            self._config.max_tokens if max_tokens is None else max_tokens,
        )

    # Everything below runs in the worker thread.

    def _load(self) -> _Loaded:
        if self._loaded is not None:
            return self._loaded
        started = time.monotonic()
        try:
            import jinja2
            import torch
            import transformers
        except ImportError as exc:
            raise ConfigurationError(
                f"{self.what}: the transformers backend needs torch and transformers: pip install -e '.[local]' ({exc})"
            ) from exc
        # Loading draws progress bars on stderr; a server's log wants none. (The GGUF converter's own bar
        # ignores this setting: TQDM_DISABLE=1 in the environment silences it.)
        transformers.utils.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        device = pick_device(self._config.device, torch.cuda.is_available(), torch.backends.mps.is_available())
        if self._config.threads is not None:
            torch.set_num_threads(self._config.threads)
        options: dict[str, Any] = {"local_files_only": True, "trust_remote_code": False}
        if self._source.gguf_file is not None:
            options["gguf_file"] = self._source.gguf_file
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(self._source.name_or_path, **options)
            model: Any = transformers.AutoModelForCausalLM.from_pretrained(
                self._source.name_or_path, dtype=torch.float32 if device == "cpu" else "auto", **options
            )
        except (OSError, ValueError, ImportError) as exc:
            raise ConfigurationError(self._not_loadable(exc)) from exc
        if not getattr(tokenizer, "chat_template", None):
            raise ConfigurationError(f"{self.what} has no chat template: use an instruction-tuned (chat) model")
        try:
            model.to(device)
        except RuntimeError as exc:  # out of device memory, a device that failed to start
            raise ConfigurationError(f"{self.what} cannot be put on the {device} device: {exc}") from exc
        model.eval()
        loaded = _Loaded(model, tokenizer, device, torch, transformers, jinja2.TemplateError)
        loaded_s = time.monotonic() - started
        self._generate(loaded, _Request(_WARM_UP, "", 0.0, 1), _Stop(torch, self._closing))
        log.info(
            "%s loaded on %s in %.1fs, warmed up in %.1fs",
            self.what,
            device,
            loaded_s,
            time.monotonic() - started - loaded_s,
        )
        self._loaded = loaded
        return loaded

    def _not_loadable(self, exc: BaseException) -> str:
        detail = " ".join(str(exc).split())[:300]
        if "trust_remote_code" in str(exc):
            return (
                f"{self.what} needs code from its own repository to load, and ALMA never runs such code "
                "(trust_remote_code is off): use a model that Transformers supports itself"
            )
        if isinstance(exc, ImportError) or "pip install" in str(exc):  # gguf or accelerate, for a GGUF file
            return f"{self.what} cannot be loaded: a package is missing ({detail}); pip install -e '.[local]'"
        if self._source.is_path:
            return f"{self.what} (ALMA_LLM_MODEL) cannot be loaded: {type(exc).__name__}: {detail}"
        return (
            f"{self.what} cannot be loaded: it must be present locally, since ALMA never downloads a model. Put "
            f"it in the Hugging Face cache (HF_HOME; e.g. `hf download {self._source.name_or_path}` where "
            "downloading is allowed), or set ALMA_LLM_MODEL to a local model directory or .gguf file "
            f"({type(exc).__name__}: {detail})"
        )

    def _complete(self, request: _Request, cancelled: threading.Event) -> str:
        loaded = self._load()
        stop = _Stop(loaded.torch, cancelled, self._closing, deadline=time.monotonic() + self._config.timeout_s)
        answer = self._generate(loaded, request, stop)
        if stop.timed_out:
            raise ModelTimeoutError(f"{self.what}: no complete answer within {self._config.timeout_s:g}s")
        return answer

    def _stream_into(self, loaded: _Loaded, request: _Request, streamer: Any, left: threading.Event) -> None:
        ended = False
        try:
            self._generate(loaded, request, _Stop(loaded.torch, left, self._closing), streamer)
            ended = True  # generate() ended the streamer
        finally:
            if not ended:
                streamer.on_finalized_text("", stream_end=True)  # wakes the reader, which then sees the failure

    def _generate(self, loaded: _Loaded, request: _Request, stop: _Stop, streamer: Any = None) -> str:
        inputs = self._inputs(loaded, request)
        started = time.monotonic()
        try:
            output = loaded.model.generate(
                **inputs,
                generation_config=self._generation_config(loaded, request),
                stopping_criteria=loaded.transformers.StoppingCriteriaList([stop]),
                streamer=streamer,
            )
        except (RuntimeError, ValueError, IndexError) as exc:
            out_of_memory = isinstance(exc, loaded.torch.OutOfMemoryError)
            raise ModelError(
                f"{self.what}: generation failed ({type(exc).__name__}: {exc})", retryable=out_of_memory
            ) from exc
        if self._closing.is_set():
            raise ModelError(f"{self.what}: the backend was closed while answering")
        new_tokens = output[0, inputs["input_ids"].shape[1] :]
        elapsed = time.monotonic() - started
        log.debug("%s: %d tokens in %.2fs", self.what, len(new_tokens), elapsed)
        return str(loaded.tokenizer.decode(new_tokens, skip_special_tokens=True))

    def _inputs(self, loaded: _Loaded, request: _Request) -> dict[str, Any]:
        try:
            prompt = loaded.tokenizer.apply_chat_template(request.messages, add_generation_prompt=True, tokenize=False)
        except (ValueError, loaded.template_error) as exc:
            raise ModelError(f"{self.what}: the model's chat template refused the messages: {exc}") from exc
        encoded = loaded.tokenizer(str(prompt) + request.start, return_tensors="pt", add_special_tokens=False)
        return {name: tensor.to(loaded.device) for name, tensor in encoded.items()}

    def _generation_config(self, loaded: _Loaded, request: _Request) -> Any:
        """The model's own generation settings (stop tokens, repetition penalty), with ours on top: greedy
        at temperature 0, sampling otherwise."""
        config = copy.deepcopy(loaded.model.generation_config)
        config.max_new_tokens = request.max_tokens
        config.num_beams = 1
        config.do_sample = request.temperature > 0
        if config.do_sample:
            config.temperature = request.temperature
        else:  # sampling settings would be ignored, and Transformers would warn about them
            config.temperature = config.top_p = config.top_k = config.min_p = config.typical_p = None
        if config.pad_token_id is None:
            config.pad_token_id = loaded.tokenizer.pad_token_id or loaded.tokenizer.eos_token_id
        return config


def _end_if_cancelled(job: Future[None], streamer: Any) -> None:
    """A stream whose generation never started (the backend closed first) must not wait for pieces."""
    if job.cancelled() and not streamer.loop.is_closed():
        streamer.on_finalized_text("", stream_end=True)


_: type[LLMBackend] = TransformersBackend
