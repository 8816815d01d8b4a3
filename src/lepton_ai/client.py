"""``lai.Client``: the local API over HTTP, so code moves to a server by changing one line.

    import lepton_ai as lai
    remote = lai.Client("http://127.0.0.1:8000", api_key="...")
    remote.embed(["hello"])            # an Embedding, as lai.embed gives (with .model)
    remote.sentiment("great service")  # a Sentiment, as lai.sentiment gives

There is one method per declared task (:mod:`lepton_ai.tasks.catalog`), made from
its declaration: the served options as keyword arguments with their defaults, and
results rebuilt into the types the Python API returns. Server errors are raised as
:class:`RemoteError` carrying the server's ``LAI-E###`` code.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from lepton_ai.errors import E, Kind, LeptonError
from lepton_ai.tasks.catalog import declared_tasks
from lepton_ai.tasks.declaration import TaskDeclaration

if TYPE_CHECKING:
    import httpx


class RemoteError(LeptonError):
    """An error answer from a lepton-ai server: ``code``, ``status`` and the message.

    ``kind`` is the code's kind where this library knows the code, else the kind
    that answers with the same status (``INVALID`` when none does).
    """

    def __new__(cls, code: str, message: str, status: int) -> RemoteError:
        return Exception.__new__(cls)

    def __init__(self, code: str, message: str, status: int) -> None:
        Exception.__init__(self, message)
        self.code = code
        self.remote_status = status
        self.fields = {}
        known = E.__members__.get(code.removeprefix("LAI-"))
        self.kind = known.kind if known is not None else next(
            (kind for kind in Kind if kind.status == status), Kind.INVALID)

    @property
    def status(self) -> int:
        """The HTTP status the server answered with."""
        return self.remote_status

    def __reduce__(self) -> tuple[Any, ...]:
        return (RemoteError, (self.code, str(self), self.remote_status))


def decode(kind: Any, value: Any) -> Any:
    """A JSON value rebuilt as ``kind``: dataclasses (nested), lists, tuples, optionals."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return decode(options[0], value) if len(options) == 1 else value
    if origin is list:
        (item,) = typing.get_args(kind)
        return [decode(item, entry) for entry in value]
    if origin is tuple:
        return tuple(decode(item, entry) for item, entry in
                     zip(typing.get_args(kind), value, strict=True))
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: decode(hints[f.name], value[f.name])
                       for f in dataclasses.fields(kind) if f.name in value})
    return value


def served_name(model: str | Path) -> str:
    """The name a trained model is served under: a directory's last part, as
    ``lai serve DIR`` names it (a plain name stays as it is)."""
    return Path(model).name


class Client:
    """A lepton-ai server, with the methods of the local API.

    Args:
        url: the server, e.g. ``"http://127.0.0.1:8000"``.
        api_key: sent as ``Authorization: Bearer KEY`` when given.
        timeout: seconds per request.
    """

    def __init__(self, url: str, *, api_key: str | None = None, timeout: float = 60.0) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=timeout)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        answer = self._http.post(path, json=body)
        if answer.status_code != 200:
            self._raise(answer)
        return answer.json()

    @staticmethod
    def _raise(answer: httpx.Response) -> NoReturn:
        try:
            error = answer.json()["error"]
            raise RemoteError(error["code"], error["message"], answer.status_code)
        except (ValueError, KeyError, TypeError):
            raise RemoteError(f"HTTP-{answer.status_code}", answer.text[:500],
                              answer.status_code) from None

    def run(self, task: str | TaskDeclaration, texts: str | Sequence[str],
            **options: Any) -> Any:
        """Run a declared task on the server: the raw answer, ``{"task", "data", ...}``.

        Options left at None are not sent (the server's defaults are the declaration's).
        """
        name = task if isinstance(task, str) else task.name
        return self._post(f"/v1/{name}", {
            "input": texts if isinstance(texts, str) else list(texts),
            "options": {k: _jsonable(v) for k, v in options.items() if v is not None}})

    def _task(self, task: TaskDeclaration, texts: str | Sequence[str], **options: Any) -> Any:
        data = self.run(task, texts, **options)["data"]
        kind = list[task.result] if task.many else task.result  # type: ignore[name-defined]
        return decode(kind, data) if isinstance(texts, str) else [decode(kind, d) for d in data]

    def embed(self, texts: str | Sequence[str], *, model: str | None = None,
              lang: str = "auto") -> Any:
        """As :func:`lepton_ai.embed`: a vector for one text, a matrix for a list; its
        ``.model`` is the model the server used (vectors of two models never compare)."""
        from lepton_ai.tasks.embed import Embedding

        answer = self.run("embed", texts, model=model, lang=lang)
        vectors = np.asarray(answer["data"], dtype=np.float32)
        return Embedding(vectors, answer.get("model"),
                         None if isinstance(texts, str) else list(texts))

    def ner(self, texts: str | Sequence[str], *, lang: str = "auto",
            model: str | Path | None = None) -> Any:
        """As :func:`lepton_ai.ner`; ``model`` is a tagger the server serves (see
        :meth:`classify` for how it is named)."""
        if model is not None:
            return self.predict(served_name(model), texts)
        return self._task(_declared("ner"), texts, lang=lang)

    def classify(self, texts: str | Sequence[str], *,
                 labels: Sequence[str] | Mapping[str, str] | None = None,
                 model: str | Path | None = None, lang: str = "auto") -> Any:
        """As :func:`lepton_ai.classify`: zero-shot with ``labels`` (``model``: a
        registered encoder name), or, without labels, the trained model the server
        serves as ``model``: its served name or the directory you would give
        ``lai.classify`` locally (``lai serve models/intents`` serves it as "intents",
        the directory's last part)."""
        if labels is None:
            if model is None:
                raise LeptonError(E.E707, what="neither")
            return self.predict(served_name(model), texts)
        return self._task(_declared("classify"), texts, labels=labels,
                          model=None if model is None else str(model), lang=lang)

    def predict(self, model: str, texts: str | Sequence[str], *,
                version: str | None = None) -> Any:
        """A served trained model's results: Classifications, or entity lists for taggers."""
        from lepton_ai.tasks.classify import Classification
        from lepton_ai.tasks.ner import Entity

        body: dict[str, Any] = {"input": texts if isinstance(texts, str) else list(texts)}
        if version is not None:
            body["version"] = version
        data = self._post(f"/v1/models/{model}/predict", body)["data"]

        def build(item: Any) -> Any:
            return decode(list[Entity], item) if isinstance(item, list) else decode(
                Classification, item)

        return build(data) if isinstance(texts, str) else [build(item) for item in data]


    def indexes(self) -> list[dict[str, Any]]:
        """The search indexes the server serves (``lai serve --index NAME=DIR``): name,
        documents, model and backend of each."""
        answer = self._http.get("/v1/indexes")
        if answer.status_code != 200:
            self._raise(answer)
        return list(answer.json()["data"])

    def search(self, index: str, query: str | Sequence[str], k: int = 5, *,
               exact: bool | None = None) -> Any:
        """As :meth:`lepton_ai.Index.search` on the index the server serves as ``index``:
        a list of hits for one query, a list per query for several."""
        from lepton_ai.tasks.search import Hit

        body: dict[str, Any] = {"query": query if isinstance(query, str) else list(query),
                                "k": k}
        if exact is not None:
            body["exact"] = exact
        data = self._post(f"/v1/indexes/{index}/search", body)["data"]
        return (decode(list[Hit], data) if isinstance(query, str)
                else [decode(list[Hit], hits) for hits in data])


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (tuple, list)):
        return [_jsonable(item) for item in value]
    return value


def _declared(name: str) -> TaskDeclaration:
    return next(task for task in declared_tasks() if task.name == name)


def _task_method(task: TaskDeclaration) -> Callable[..., Any]:
    """``Client.<task>``: the served options as keywords, results as the Python types."""
    served = task.served_options().model_fields

    def method(self: Client, texts: str | Sequence[str], /, **options: Any) -> Any:
        unknown = sorted(set(options) - set(served))
        if unknown:
            raise TypeError(f"Client.{task.name}() got unknown option(s) {unknown}; it takes "
                            f"{', '.join(served) or 'none'}")
        return self._task(task, texts, **options)

    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY),
                  inspect.Parameter(task.input, inspect.Parameter.POSITIONAL_ONLY,
                                    annotation=str | Sequence[str])]
    parameters += [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                                     default=info.get_default(call_default_factory=True),
                                     annotation=info.annotation)
                   for name, info in served.items()]
    method.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    method.__name__ = method.__qualname__ = task.name
    method.__doc__ = f"As :func:`lepton_ai.{task.name}`, on the server: {task.summary}"
    return method


for _task_declaration in declared_tasks():
    if _task_declaration.name not in Client.__dict__:
        setattr(Client, _task_declaration.name, _task_method(_task_declaration))
