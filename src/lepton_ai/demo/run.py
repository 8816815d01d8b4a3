"""`lai demo`: embeddings, similarity and semantic search on the packaged models."""

from __future__ import annotations

import time
from importlib.resources import files
from pathlib import Path

from rich.console import Console
from rich.table import Table

QUERIES = (
    "I forgot my password",
    "my card was stolen",
    "how long does a transfer abroad take",
    "电动车公司股票下跌",
    "酒店早餐太贵了",
    "什么是机器学习",
)


def corpus_path() -> Path:
    """The bundled demo corpus (JSONL: id, lang, text)."""
    return Path(str(files("lepton_ai.demo") / "corpus.jsonl"))


def run_demo(console: Console) -> None:
    """Print similarity examples and answer bilingual queries over the demo corpus."""
    import lepton_ai as lai

    console.rule("[bold]lepton-ai demo: embeddings and semantic search, offline")
    words = ["人工智能", "机器学习", "天气预报"]
    emb = dict(zip(words, lai.embed(words), strict=True))
    related = lai.similarity(emb["人工智能"], emb["机器学习"])
    unrelated = lai.similarity(emb["人工智能"], emb["天气预报"])
    console.print(
        f"similarity(人工智能, 机器学习) = {related:.3f}   "
        f"similarity(人工智能, 天气预报) = {unrelated:.3f}   [dim]({emb['人工智能'].model})[/]"
    )
    console.print(
        "similarity('A man is playing a guitar.', 'Someone plays an instrument.') = "
        f"{lai.similarity('A man is playing a guitar.', 'Someone plays an instrument.'):.3f}   "
        f"[dim]({lai.embed('x').model})[/]"
    )
    start = time.perf_counter()
    index = lai.Index.from_file(corpus_path(), column="text")
    console.print(
        f"indexed {len(index)} documents (English and Chinese) with {index.model} "
        f"in {time.perf_counter() - start:.2f}s"
    )
    for query in QUERIES:
        table = Table(title=f"query: {query}", title_justify="left", show_header=False)
        table.add_column("score", justify="right")
        table.add_column("id")
        table.add_column("text")
        for hit in index.search(query, k=3):
            table.add_row(f"{hit.score:.3f}", str(hit.row.get("id")), hit.text)
        console.print(table)
