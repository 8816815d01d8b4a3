"""``lai.Client``: the local API over HTTP, so code moves to a server by changing one line.

    import lepton_ai as lai
    remote = lai.Client("http://127.0.0.1:8000", api_key="...")
    remote.embed(["hello"])            # an Embedding, as lai.embed gives
    remote.sentiment("great service")  # a Sentiment, as lai.sentiment gives

Results are rebuilt into the same types the Python API returns; server errors
are raised as :class:`RemoteError` carrying the server's ``LAI-E###`` code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.errors import E, LeptonError


class RemoteError(LeptonError):
    """An error answer from a lepton-ai server: ``code``, ``status`` and the message."""

    def __init__(self, code: str, message: str, status: int) -> None:
        self.code = code
        self.status = status
        self.fields = {}
        Exception.__init__(self, message)


def _many(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda items: [build(item) for item in items]


def _sentiment(data: dict[str, Any]) -> Any:
    from lepton_ai.tasks.sentiment import Sentiment

    return Sentiment(**data)


def _entity(data: dict[str, Any]) -> Any:
    from lepton_ai.tasks.ner import Entity

    return Entity(**data)


def _keyword(data: dict[str, Any]) -> Any:
    from lepton_ai.tasks.keywords import Keyword

    return Keyword(**data)


def _classification(data: dict[str, Any]) -> Any:
    from lepton_ai.tasks.classify import Classification

    return Classification(**data)


def _relation(data: dict[str, Any]) -> Any:
    from lepton_ai.tasks.relations import Relation

    return Relation(**{**data, "head_span": tuple(data["head_span"]),
                       "tail_span": tuple(data["tail_span"])})


def _analysis(data: dict[str, Any]) -> Any:
    from lepton_ai.tasks.analyze import Analysis

    def maybe(build: Callable[[Any], Any], value: Any) -> Any:
        return None if value is None else build(value)

    return Analysis(sentiment=maybe(_sentiment, data.get("sentiment")),
                    topic=maybe(_classification, data.get("topic")),
                    entities=maybe(_many(_entity), data.get("entities")),
                    keywords=maybe(_many(_keyword), data.get("keywords")))


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
            try:
                error = answer.json()["error"]
                raise RemoteError(error["code"], error["message"], answer.status_code)
            except (ValueError, KeyError, TypeError):
                raise RemoteError(f"HTTP-{answer.status_code}", answer.text[:500],
                                  answer.status_code) from None
        return answer.json()

    def _task(self, task: str, texts: str | Sequence[str], build: Callable[[Any], Any],
              **options: Any) -> Any:
        data = self._post(f"/v1/{task}", {
            "input": texts if isinstance(texts, str) else list(texts),
            "options": {k: v for k, v in options.items() if v is not None}})["data"]
        return build(data) if isinstance(texts, str) else [build(item) for item in data]

    def embed(self, texts: str | Sequence[str], *, model: str | None = None,
              lang: str = "auto") -> Any:
        """As :func:`lepton_ai.embed`: a vector for one text, a matrix for a list."""
        from lepton_ai.tasks.embed import Embedding

        data = self._post("/v1/embed", {
            "input": texts if isinstance(texts, str) else list(texts),
            "options": {"lang": lang, **({"model": model} if model else {})}})["data"]
        vectors = np.asarray(data, dtype=np.float32)
        return Embedding(vectors, model)

    def sentiment(self, texts: str | Sequence[str], *, lang: str = "auto",
                  domain: str | None = None) -> Any:
        """As :func:`lepton_ai.sentiment`."""
        return self._task("sentiment", texts, _sentiment, lang=lang, domain=domain)

    def ner(self, texts: str | Sequence[str], *, lang: str = "auto",
            model: str | Path | None = None) -> Any:
        """As :func:`lepton_ai.ner`; ``model`` is a tagger the server serves (see
        :meth:`classify` for how it is named)."""
        if model is not None:
            return self.predict(served_name(model), texts)
        return self._task("ner", texts, _many(_entity), lang=lang)

    def keywords(self, texts: str | Sequence[str], k: int = 10, *, method: str = "auto",
                 lang: str = "auto", diversity: float = 0.3) -> Any:
        """As :func:`lepton_ai.keywords`."""
        return self._task("keywords", texts, _many(_keyword), k=k, method=method, lang=lang,
                          diversity=diversity)

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
        chosen = dict(labels) if isinstance(labels, Mapping) else list(labels)
        return self._task("classify", texts, _classification, labels=chosen,
                          model=None if model is None else str(model), lang=lang)

    def relations(self, texts: str | Sequence[str], *, threshold: float = 0.5) -> Any:
        """As :func:`lepton_ai.relations` with the default model."""
        return self._task("relations", texts, _many(_relation), threshold=threshold)

    def analyze(self, texts: str | Sequence[str],
                tasks: Sequence[str] | None = None, *,
                topics: Sequence[str] | Mapping[str, str] | None = None, k: int = 5) -> Any:
        """As :func:`lepton_ai.analyze`."""
        chosen = None if topics is None else (
            dict(topics) if isinstance(topics, Mapping) else list(topics))
        return self._task("analyze", texts, _analysis,
                          tasks=None if tasks is None else list(tasks), topics=chosen, k=k)

    def predict(self, model: str, texts: str | Sequence[str], *,
                version: str | None = None) -> Any:
        """A served trained model's results: Classifications, or entity lists for taggers."""
        body: dict[str, Any] = {"input": texts if isinstance(texts, str) else list(texts)}
        if version is not None:
            body["version"] = version
        data = self._post(f"/v1/models/{model}/predict", body)["data"]

        def build(item: Any) -> Any:
            return _many(_entity)(item) if isinstance(item, list) else _classification(item)

        return build(data) if isinstance(texts, str) else [build(item) for item in data]
