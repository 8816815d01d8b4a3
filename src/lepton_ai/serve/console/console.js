// lepton-ai web console: a static page over the server's own API.
// It reads /openapi.json to list the tasks and build their option forms, and calls the
// same /v1 routes any client calls: no second implementation of a task lives here.

const STRINGS = {
  en: {
    "nav.home": "Home", "nav.playground": "Playground", "nav.chat": "Chat",
    "key.button": "API key", "key.label": "API key of this server",
    "key.save": "Use this key", "key.hint": "Kept in this browser tab only (sessionStorage).",
    "key.needed": "This server asks for an API key: enter it above.",
    "home.title": "What this server offers",
    "home.ready": "Ready: models loaded and warmed.", "home.loading": "Still loading models…",
    "home.tasks": "Tasks", "home.models": "Models",
    "home.start": "Try a task in the Playground, or call the API: every page shows the " +
      "exact request (curl, Python, lai) it makes. API reference: /docs.",
    "play.title": "Playground", "play.input": "Text", "play.options": "Options",
    "play.run": "Run", "play.running": "Running…", "play.result": "Result",
    "play.raw": "Raw JSON", "play.example": "Example text",
    "play.copy": "Copy as", "play.copied": "Copied", "play.time": "answered in",
    "search.index": "Index", "search.query": "Query", "search.k": "Hits",
    "search.summary": "Semantic search over an index folder the server serves.",
    "search.none": "No index is served. Build one with `lai index build docs.csv --out my-index` " +
                   "and start the server with `lai serve --index my-index`.",
    "chat.title": "Chat", "chat.model": "Model", "chat.send": "Send",
    "chat.placeholder": "Write a message…", "chat.you": "You", "chat.clear": "Clear",
    "error.network": "The server did not answer: is lai serve still running?",
    "nav.models": "Models", "models.title": "Your served models",
    "models.admin": "Admin key (for switching versions)", "models.adminSave": "Use",
    "models.none": "This server serves no trained model. Start it with: lai serve NAME=DIR",
    "models.current": "current", "models.history": "history",
    "models.switch": "Switch to", "models.rollback": "Roll back",
    "models.export": "Export", "models.exporting": "Exporting…", "models.compress": "Compress",
    "models.confirmSwitch": "Switch {name} to version {version}?",
    "models.confirmRollback": "Roll {name} back to its previous version?",
    "models.try": "Try", "models.needAdmin": "Switching versions needs the admin key.",
    "nav.assistant": "Assistant", "nav.monitor": "Monitor", "nav.recommend": "Recommend",
    "recommend.none": "This server serves no recommender. Build one with lai recommend build REC_DIR --items items.csv --text-columns title and start lai serve --recommender REC_DIR.",
    "recommend.user": "User id", "recommend.text": "or interests in words", "recommend.diversity": "Diversity (0–1)",
    "recommend.item": "item", "recommend.reason": "why",
    "assistant.none": "This server runs no assistant. Start it with: lai serve --assistant NAME=KB_DIR",
    "assistant.handoff": "Handed over to a person", "assistant.confidence": "confidence",
    "assistant.sources": "Sources", "assistant.helpful": "Helpful", "assistant.wrong": "Wrong",
    "assistant.thanks": "Thanks, recorded.",
    "monitor.none": "This server runs no monitor. Start it with: lai serve --monitor monitor.yaml",
    "monitor.alerts": "Alerts", "monitor.noAlerts": "No alert so far.",
    "monitor.documents": "Evidence", "monitor.stats": "Since the start",
    "monitor.trends": "Most mentioned (last 30 days)", "monitor.by": "Keys",
    "monitor.mentions": "mentions", "monitor.negative": "negative", "monitor.none30": "Nothing mentioned in the last 30 days.",
    "monitor.behind": "Documents", "monitor.bucket": "per", "monitor.open": "All documents of",
    "nav.train": "Train", "train.file": "Table to train on (CSV, TSV, JSONL, JSON, Parquet)",
    "train.serverFile": "or a table on the server", "train.noServerFiles": "Tables in the files/ folder of the server's data folder are listed here.",
    "train.rows": "rows", "train.text": "Text column", "train.label": "Label column",
    "train.method": "Method", "train.start": "Start training", "train.cancel": "Cancel",
    "train.resume": "Resume from its checkpoint",
    "train.examples": "examples", "train.warnings": "Before you start",
    "train.ok": "The data passes the checks.", "train.progress": "Progress",
    "train.runs": "Runs", "train.report": "Evaluation report", "train.accuracy": "accuracy",
    "train.macroF1": "macro F1", "train.status": "status", "train.loss": "loss per epoch",
    "train.validation": "validation score per epoch", "train.left": "left",
    "train.calibration": "calibration error (ECE)", "train.errors": "Misclassified examples",
    "train.calibrationChart": "Calibration: the accuracy of each confidence bin (bars); a calibrated model follows the dashed line.",
    "train.noErrors": "No misclassified example.", "train.true": "true label",
    "train.predicted": "predicted", "train.any": "any", "train.compare": "macro F1 per run",
    "train.serve": "Serve this model as", "train.version": "version",
    "train.served": "Now served as {name}, version {version}: see Models.",
    "models.registry": "Models that ship with lepton-ai", "models.installed": "installed",
    "nav.annotate": "Annotate", "annotate.model": "Served model",
    "annotate.none": "Annotation needs a served classifier: lai serve NAME=DIR",
    "annotate.file": "Texts to choose from (a table with a text column)",
    "annotate.build": "Find the texts it is least sure about",
    "annotate.traffic": "Or: what it was least sure about in production traffic", "annotate.empty": "No production texts are waiting to be labelled yet.",
    "annotate.keys": "Keys: 1–9 pick a label, s skips.", "annotate.skip": "Skip",
    "annotate.done": "labelled", "annotate.update": "Update the model with these labels",
    "annotate.before": "before", "annotate.after": "after",
    "annotate.heldOut": "this update's held-out texts", "annotate.earlier": "earlier held-out texts",
    "annotate.onLabels": "the served model on the texts you labelled", "annotate.ownEval": "the updated model's own evaluation",
    "nav.documents": "Documents",
    "documents.file": "A scan, photo or PDF (PNG, JPEG, TIFF, WebP, BMP, PDF)",
    "documents.pages": "pages", "documents.lines": "lines", "documents.page": "page",
    "documents.ner": "Find entities", "documents.redact": "Redact personal data",
    "documents.box": "box", "documents.score": "score",
  },
  zh: {
    "nav.home": "首页", "nav.playground": "试用", "nav.chat": "对话",
    "key.button": "API 密钥", "key.label": "本服务器的 API 密钥",
    "key.save": "使用此密钥", "key.hint": "只保存在本浏览器标签页中（sessionStorage）。",
    "key.needed": "此服务器需要 API 密钥：请在上方输入。",
    "home.title": "本服务器提供的功能",
    "home.ready": "就绪：模型已加载并预热。", "home.loading": "模型加载中…",
    "home.tasks": "任务", "home.models": "模型",
    "home.start": "在「试用」页面试一个任务，或直接调用 API：每个页面都给出它发出的请求" +
      "（curl、Python、lai 命令）。API 文档：/docs。",
    "play.title": "试用", "play.input": "文本", "play.options": "选项",
    "play.run": "运行", "play.running": "运行中…", "play.result": "结果",
    "play.raw": "原始 JSON", "play.example": "示例文本",
    "play.copy": "复制为", "play.copied": "已复制", "play.time": "用时",
    "search.index": "索引", "search.query": "查询", "search.k": "结果数",
    "search.summary": "在服务器提供的索引中做语义检索。",
    "search.none": "服务器没有提供索引。先用 `lai index build docs.csv --out my-index` 建索引，" +
                   "再用 `lai serve --index my-index` 启动服务。",
    "chat.title": "对话", "chat.model": "模型", "chat.send": "发送",
    "chat.placeholder": "输入消息…", "chat.you": "你", "chat.clear": "清空",
    "error.network": "服务器没有响应：lai serve 还在运行吗？",
    "nav.models": "模型", "models.title": "已部署的自有模型",
    "models.admin": "管理密钥（切换版本时需要）", "models.adminSave": "使用",
    "models.none": "本服务器没有部署训练好的模型。启动方式：lai serve 名称=目录",
    "models.current": "当前版本", "models.history": "历史",
    "models.switch": "切换到", "models.rollback": "回滚",
    "models.export": "导出", "models.exporting": "导出中…", "models.compress": "压缩",
    "models.confirmSwitch": "把 {name} 切换到版本 {version}？",
    "models.confirmRollback": "把 {name} 回滚到上一个版本？",
    "models.try": "试用", "models.needAdmin": "切换版本需要管理密钥。",
    "nav.assistant": "客服助手", "nav.monitor": "舆情监控", "nav.recommend": "推荐",
    "recommend.none": "本服务器没有推荐器。先用 lai recommend build REC_DIR --items items.csv --text-columns title 构建，再用 lai serve --recommender REC_DIR 启动。",
    "recommend.user": "用户 ID", "recommend.text": "或用文字描述兴趣", "recommend.diversity": "多样性（0–1）",
    "recommend.item": "物品", "recommend.reason": "推荐理由",
    "assistant.none": "本服务器没有运行客服助手。启动方式：lai serve --assistant 名称=知识库目录",
    "assistant.handoff": "已转人工", "assistant.confidence": "置信度",
    "assistant.sources": "出处", "assistant.helpful": "有帮助", "assistant.wrong": "答错了",
    "assistant.thanks": "谢谢，已记录。",
    "monitor.none": "本服务器没有运行监控。启动方式：lai serve --monitor monitor.yaml",
    "monitor.alerts": "告警", "monitor.noAlerts": "暂无告警。",
    "monitor.documents": "证据", "monitor.stats": "启动以来",
    "monitor.trends": "提及最多（近30天）", "monitor.by": "维度",
    "monitor.mentions": "提及", "monitor.negative": "负面", "monitor.none30": "近30天没有提及。",
    "monitor.behind": "相关文档", "monitor.bucket": "每", "monitor.open": "查看全部文档：",
    "nav.train": "训练", "train.file": "训练用的表格（CSV、TSV、JSONL、JSON、Parquet）",
    "train.serverFile": "或服务器上的表格", "train.noServerFiles": "服务器数据目录的 files/ 子目录中的表格会列在这里。",
    "train.rows": "行", "train.text": "文本列", "train.label": "标签列",
    "train.method": "方法", "train.start": "开始训练", "train.cancel": "取消",
    "train.resume": "从检查点继续",
    "train.examples": "条样本", "train.warnings": "开始之前",
    "train.ok": "数据通过了检查。", "train.progress": "进度",
    "train.runs": "训练记录", "train.report": "评估报告", "train.accuracy": "准确率",
    "train.macroF1": "宏平均 F1", "train.status": "状态", "train.loss": "每轮损失",
    "train.validation": "每轮验证得分", "train.left": "剩余",
    "train.calibration": "校准误差（ECE）", "train.errors": "分错的样本",
    "train.calibrationChart": "校准：各置信度区间的准确率（柱），校准良好的模型贴近虚线。",
    "train.noErrors": "没有分错的样本。", "train.true": "真实标签",
    "train.predicted": "预测", "train.any": "全部", "train.compare": "各次训练的宏平均 F1",
    "train.serve": "部署这个模型，名称", "train.version": "版本",
    "train.served": "已部署为 {name}，版本 {version}：见「模型」页面。",
    "models.registry": "lepton-ai 自带的模型", "models.installed": "已安装",
    "nav.annotate": "标注", "annotate.model": "已部署的模型",
    "annotate.none": "标注需要一个已部署的分类模型：lai serve 名称=目录",
    "annotate.file": "候选文本（带文本列的表格）",
    "annotate.build": "找出模型最没把握的文本",
    "annotate.traffic": "或：线上请求中模型最没把握的文本", "annotate.empty": "暂时没有待标注的线上文本。",
    "annotate.keys": "按键：1–9 选标签，s 跳过。", "annotate.skip": "跳过",
    "annotate.done": "已标注", "annotate.update": "用这些标注更新模型",
    "annotate.before": "更新前", "annotate.after": "更新后",
    "annotate.heldOut": "本次更新留出的文本", "annotate.earlier": "以往留出的文本",
    "annotate.onLabels": "已部署模型在刚标注的文本上", "annotate.ownEval": "新模型自己的评估",
    "nav.documents": "文档",
    "documents.file": "扫描件、照片或 PDF（PNG、JPEG、TIFF、WebP、BMP、PDF）",
    "documents.pages": "页", "documents.lines": "行", "documents.page": "页码",
    "documents.ner": "识别实体", "documents.redact": "脱敏个人信息",
    "documents.box": "位置", "documents.score": "置信度",
  },
};

// Example texts per task, in both languages; options a task needs to run at all.
const EXAMPLES = {
  sentiment: { en: "The support team fixed my card in minutes. Great service!",
               zh: "客服很耐心，问题很快就解决了，非常满意！" },
  ner: { en: "Tim Cook met Alibaba executives in Shanghai on Monday.",
         zh: "马云周一在杭州会见了阿里巴巴的高管。" },
  keywords: { en: "Deep learning for traffic sign detection. We add an attention " +
                  "mechanism to a convolutional neural network and fuse multi-scale features.",
              zh: "基于改进YOLOv5的交通标志检测方法。针对交通标志目标小的问题，在主干网络中" +
                  "引入注意力机制，并使用特征金字塔融合多尺度特征。" },
  classify: { en: "I was charged twice for the same purchase.",
              zh: "同一笔消费被扣了两次款。" },
  relations: { en: "Steve Jobs founded Apple in California.",
               zh: "乔布斯在加利福尼亚创立了苹果公司。" },
  summarize: { en: "The central bank raised interest rates by half a point on Monday. " +
                   "It said inflation was still too high. Savers welcomed the move. " +
                   "Borrowers will pay more for mortgages. Markets had expected the rise.",
               zh: "央行周一宣布加息半个百分点。央行表示通胀仍然过高。储户对此表示欢迎。" +
                   "贷款人的房贷成本将上升。市场此前已预期此次加息。" },
  analyze: { en: "The new phone from Acme is fast, but the battery dies by noon.",
             zh: "这款手机速度很快，但是电池不耐用，中午就没电了。" },
  language: { en: "Bonjour tout le monde", zh: "今天天气很好" },
  embed: { en: "A sentence to turn into a vector.", zh: "把这句话变成向量。" },
  answer: { en: "How much does a replacement card cost?",
            zh: "补办银行卡要多少钱？" },
  search: { en: "how do I reset my card password", zh: "银行卡密码怎么重置" },
  explain: { en: "The plot was dull, but the acting was wonderful.",
             zh: "服务态度很差，但是菜的味道很好。" },
  redact: { en: "Hi, I am John Smith, call me on +1-984-182-0190 or john@example.com.",
            zh: "我叫王小明，手机13812345678，身份证11010519491231002X。" },
};
const NEEDED_OPTIONS = {
  classify: { labels: { en: "billing, card problem, other", zh: "账单, 银行卡问题, 其他" } },
  answer: { documents: { en: "A replacement card costs 5 euros and arrives in 3 days.",
                         zh: "补办银行卡收费5元，3天内寄到。" } },
};
// How `lai <task>` takes one text: --text, except the commands written by hand.
const CLI_FORMS = {
  default: (name, text, flags) => `lai ${name} --text ${text}${flags}`,
  explain: (name, text, flags) => `lai explain ${text}${flags}`,
  analyze: (name, text, flags) => `echo ${text} | lai analyze - --out -${flags}`,
};
// Options that hold several texts, one per line.
const MULTILINE = new Set(["documents", "ids"]);

const state = {
  lang: localStorage.getItem("lai.lang") || (navigator.language.startsWith("zh") ? "zh" : "en"),
  key: sessionStorage.getItem("lai.key") || "",
  adminKey: sessionStorage.getItem("lai.adminKey") || "",
  schema: null,
  task: null,
};

const t = (name) => STRINGS[state.lang][name] ?? STRINGS.en[name] ?? name;
const $ = (selector, root = document) => root.querySelector(selector);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== false && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function notice(message) {
  const box = $("#notice");
  box.textContent = message || "";
  box.hidden = !message;
}

// The key a path needs: the admin key for /admin, the API key for everything else.
function authHeaders(path) {
  const key = path.startsWith("/admin/") ? state.adminKey : state.key;
  return key ? { Authorization: `Bearer ${key}` } : {};
}

// Every call goes through here: the key header, and coded errors shown as they come.
// ``body`` is sent as JSON, unless a ``contentType`` says it is raw (an uploaded file).
async function api(path, body, method = body === undefined ? "GET" : "POST", contentType = null) {
  const headers = { "Content-Type": contentType || "application/json", ...authHeaders(path) };
  const sent = body === undefined || contentType ? body : JSON.stringify(body);
  let response;
  try {
    response = await fetch(path, { method, headers, body: sent });
  } catch {
    throw new Error(t("error.network"));
  }
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) throw refusal(path, response, payload);
  return payload;
}

// The coded error of a refused request, as the page shows it.
function refusal(path, response, payload) {
  const error = payload.error || {};
  if (response.status === 401 && !path.startsWith("/admin/")) $("#key-panel").hidden = false;
  const code = error.code ? `${error.code}: ` : `HTTP ${response.status}: `;
  return new Error(code + (error.message || response.statusText) +
                   (response.status === 401 ? `\n${t("key.needed")}` : ""));
}

// A streamed chat completion (server-sent events): onText gets the reply so far after
// each piece; resolves to the whole reply.
async function streamedChat(body, onText) {
  const path = "/v1/chat/completions";
  let response;
  try {
    response = await fetch(path, { method: "POST", body: JSON.stringify({ ...body, stream: true }),
                                   headers: { "Content-Type": "application/json", ...authHeaders(path) } });
  } catch {
    throw new Error(t("error.network"));
  }
  if (!response.ok) throw refusal(path, response, await response.json().catch(() => ({})));
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "", reply = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return reply;
    buffered += value;
    for (let end = buffered.indexOf("\n\n"); end >= 0; end = buffered.indexOf("\n\n")) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (!event.startsWith("data: ")) continue;
      if (event === "data: [DONE]") return reply;
      const chunk = JSON.parse(event.slice(6));
      if (chunk.error) throw new Error(`${chunk.error.code}: ${chunk.error.message}`);
      const piece = chunk.choices?.[0]?.delta?.content;
      if (piece) onText(reply += piece);
    }
  }
}

function applyLanguage() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("#language").textContent = state.lang === "zh" ? "English" : "中文";
}

// ---- OpenAPI: the tasks and their options -------------------------------------------
function resolve(node) {
  while (node && (node.$ref || node.allOf)) {
    node = node.$ref
      ? node.$ref.split("/").slice(1).reduce((at, part) => at[part], state.schema)
      : node.allOf[0];
  }
  return node || {};
}

function tasks() {
  const found = [];
  for (const [path, operations] of Object.entries(state.schema.paths)) {
    const post = operations.post;
    if (!post || !(post.tags || []).includes("tasks")) continue;
    const request = resolve(post.requestBody.content["application/json"].schema);
    const options = resolve(request.properties.options || {});
    found.push({ name: path.replace("/v1/", ""), path, summary: post.summary,
                 options: options.properties || {}, required: options.required || [] });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

function fieldKind(property) {
  const choices = property.enum || (property.anyOf || []).flatMap((p) => p.enum || []);
  if (choices.length) return { kind: "choice", choices };
  const types = [property.type, ...(property.anyOf || []).map((p) => p.type)];
  if (types.includes("boolean")) return { kind: "boolean" };
  if (types.includes("integer") || types.includes("number")) return { kind: "number" };
  if (types.includes("array")) return { kind: "list" };
  if (types.includes("string")) return { kind: "text" };
  return { kind: "other" };
}

function optionField(task, name, property) {
  const { kind, choices } = fieldKind(property);
  if (kind === "other") return null;
  const id = `option-${name}`;
  const needed = NEEDED_OPTIONS[task.name]?.[name]?.[state.lang];
  let input;
  if (kind === "choice") {
    input = element("select", { id, name });
    for (const choice of choices) {
      input.append(element("option", { value: choice, text: choice,
                                       selected: choice === property.default ? "" : false }));
    }
  } else if (kind === "boolean") {
    input = element("input", { id, name, type: "checkbox",
                               checked: property.default ? "" : false });
  } else if (kind === "list" && MULTILINE.has(name)) {
    input = element("textarea", { id, name, rows: 3 });
    input.value = needed || "";
  } else {
    const attributes = { id, name, type: kind === "number" ? "number" : "text" };
    if (kind === "number") {
      attributes.step = (property.type || property.anyOf?.[0]?.type) === "integer" ? "1" : "any";
      if (property.minimum !== undefined) attributes.min = property.minimum;
      if (property.maximum !== undefined) attributes.max = property.maximum;
    }
    input = element("input", attributes);
    input.value = needed || (property.default ?? "");
  }
  input.dataset.kind = kind;
  input.title = property.description || "";
  return [element("label", { for: id, text: name, title: property.description || "" }), input];
}

function optionValues(form, task) {
  const values = {};
  for (const input of form.querySelectorAll("[data-kind]")) {
    const property = task.options[input.name];
    let value;
    if (input.dataset.kind === "boolean") value = input.checked;
    else if (input.dataset.kind === "number") value = input.value === "" ? null : Number(input.value);
    else if (input.dataset.kind === "list") {
      const parts = MULTILINE.has(input.name) ? input.value.split("\n") : input.value.split(/[,，]/);
      value = parts.map((part) => part.trim()).filter(Boolean);
      if (!value.length) value = null;
    } else value = input.value === "" ? null : input.value;
    const unchanged = JSON.stringify(value) === JSON.stringify(property.default ?? null);
    if (value !== null && !unchanged) values[input.name] = value;
  }
  return values;
}

// ---- Results ------------------------------------------------------------------------
function spansOf(data) {
  if (Array.isArray(data) && data.every((d) => d && Number.isInteger(d.start))) {
    return data.map((d) => ({ start: d.start, end: d.end,
                              tag: d.label || d.type || (d.score !== undefined ? d.score.toFixed(2) : "") }));
  }
  if (data && Array.isArray(data.spans)) {
    return data.spans.map(([start, end]) => ({ start, end, tag: "" }));
  }
  if (data && Array.isArray(data.entities)) {  // redact: what was found, in the original
    return data.entities.map((e) => ({ start: e.start, end: e.end, tag: e.type }));
  }
  return [];
}

function highlighted(text, spans) {
  const box = element("div", { class: "result-text", "data-testid": "highlighted" });
  let at = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start < at) continue;
    box.append(text.slice(at, span.start));
    const mark = element("mark", {}, text.slice(span.start, span.end));
    if (span.tag) mark.append(element("small", { text: span.tag }));
    box.append(mark);
    at = span.end;
  }
  box.append(text.slice(at));
  return box;
}

// explain: each piece shaded by its weight — green supports the label, red opposes it.
function heatmap(text, attributions) {
  const box = element("div", { class: "result-text", "data-testid": "heatmap" });
  const scale = Math.max(0, ...attributions.map((piece) => Math.abs(piece.weight))) || 1;
  let at = 0;
  for (const piece of [...attributions].sort((a, b) => a.start - b.start)) {
    box.append(text.slice(at, piece.start));
    const shaded = element("span", { class: piece.weight >= 0 ? "for" : "against",
                                     title: `${piece.weight >= 0 ? "+" : ""}${piece.weight.toFixed(4)}`,
                                     text: piece.text });
    shaded.style.setProperty("--weight", (Math.abs(piece.weight) / scale).toFixed(2));
    box.append(shaded);
    at = piece.end;
  }
  box.append(text.slice(at));
  return box;
}

function summaryOf(data) {
  if (data && typeof data === "object" && !Array.isArray(data) && typeof data.label === "string") {
    const chips = element("div", { class: "labels", "data-testid": "labels" });
    chips.append(element("span", { class: "label", text:
      `${data.label}${typeof data.score === "number" ? ` ${data.score.toFixed(3)}` : ""}` }));
    return chips;
  }
  if (Array.isArray(data) && data.length && typeof data[0] === "number") {
    return element("p", { text: `vector: ${data.length} numbers` });
  }
  if (data && typeof data.text === "string") return element("p", { text: data.text });
  return null;
}

function copyButtons(task, text, options) {
  const origin = window.location.origin;
  const body = JSON.stringify({ input: text, ...(Object.keys(options).length ? { options } : {}) });
  const quoted = (value) => `'${value.replaceAll("'", "'\\''")}'`;
  const auth = state.key ? " -H 'Authorization: Bearer $LAI_API_KEY'" : "";
  const python = `import lepton_ai as lai\nlai.${task.name}(${JSON.stringify(text)}${
    Object.entries(options).map(([k, v]) => `, ${k}=${pythonValue(v)}`).join("")})`;
  const flags = Object.entries(options).map(([k, v]) =>
    ` --${k.replaceAll("_", "-")} ${quoted(Array.isArray(v) ? v.join(", ") : String(v))}`).join("");
  const cli = (CLI_FORMS[task.name] || CLI_FORMS.default)(task.name, quoted(text), flags);
  const forms = {
    curl: `curl -s ${origin}${task.path} -H 'Content-Type: application/json'${auth} -d ${quoted(body)}`,
    Python: python, lai: cli,
  };
  const row = element("div", { class: "copy" }, element("span", { text: t("play.copy") }));
  for (const [name, command] of Object.entries(forms)) {
    row.append(element("button", { type: "button", "data-command": command, onclick: async (event) => {
      await navigator.clipboard?.writeText(command).catch(() => {});
      event.target.textContent = `${name} ✓`;
    }, text: name }));
  }
  return row;
}

function pythonValue(value) {
  if (typeof value === "boolean") return value ? "True" : "False";
  return JSON.stringify(value);
}

// ---- Pages --------------------------------------------------------------------------
async function homePage(page) {
  page.append(element("h1", { text: t("home.title") }));
  const ready = await fetch("/readyz").then((r) => r.ok).catch(() => false);
  page.append(element("p", { "data-testid": "readiness", text: ready ? t("home.ready") : t("home.loading") }));
  page.append(element("h2", { text: t("home.tasks") }));
  const list = element("ul");
  for (const task of tasks()) {
    list.append(element("li", {}, element("a", { href: `#playground/${task.name}`, text: task.name }),
                        ` — ${task.summary || ""}`));
  }
  page.append(list, element("p", { class: "hint", text: t("home.start") }));
  try {
    const models = await api("/v1/models");
    page.append(element("h2", { text: t("home.models") }));
    const table = element("table", {}, element("tr", {}, element("th", { text: "id" }),
                                               element("th", { text: "owned_by" })));
    for (const model of models.data) {
      table.append(element("tr", {}, element("td", { text: model.id }),
                           element("td", { text: model.owned_by || "" })));
    }
    page.append(table);
  } catch (error) {
    notice(error.message);
  }
}

async function playgroundPage(page, name) {
  const all = tasks();
  const task = name === "search" ? null
    : all.find((candidate) => candidate.name === name) || all.find((c) => c.name === "sentiment") || all[0];
  state.task = task ? task.name : "search";
  page.append(element("h1", { text: t("play.title") }));
  const picker = element("div", { class: "tasks", role: "group", "aria-label": t("play.title") });
  for (const candidate of [...all.map((c) => c.name), "search"]) {
    picker.append(element("button", { type: "button", "aria-pressed": String(candidate === state.task),
                                      onclick: () => { window.location.hash = `playground/${candidate}`; },
                                      text: candidate }));
  }
  page.append(picker, element("p", { class: "hint", text: task ? task.summary || "" : t("search.summary") }));
  if (!task) {
    await searchPanel(page);
    return;
  }
  const form = element("form", { "aria-label": task.name });
  const input = element("textarea", { id: "task-input", name: "input", "aria-label": t("play.input") });
  input.value = EXAMPLES[task.name]?.[state.lang] || "";
  const options = element("div", { class: "options" });
  for (const [optionName, property] of Object.entries(task.options)) {
    const field = optionField(task, optionName, property);
    if (field) options.append(...field);
  }
  const run = element("button", { type: "submit", class: "primary", id: "run", text: t("play.run") });
  form.append(element("label", { for: "task-input", text: t("play.input") }), input,
              element("h2", { text: t("play.options") }), options, run);
  const output = element("section", { id: "result", "aria-live": "polite" });
  page.append(element("div", { class: "grid" }, form, output));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    const values = optionValues(form, task);
    showRun(output, run, async () => {
      const started = performance.now();
      const answer = await api(task.path, { input: text, options: values });
      output.append(element("h2", { text: t("play.result") }), tookHint(started));
      const summary = summaryOf(answer.data);
      if (summary) output.append(summary);
      const spans = spansOf(answer.data);
      if (spans.length) output.append(highlighted(text, spans));
      if (Array.isArray(answer.data?.attributions)) output.append(heatmap(text, answer.data.attributions));
      output.append(...rawJson(answer), copyButtons(task, text, values));
    });
  });
}

// One request of a form: the result section says when it is done (tests wait on that).
async function showRun(output, run, work) {
  notice("");
  output.replaceChildren();
  output.dataset.done = "false";
  run.disabled = true;
  run.textContent = t("play.running");
  try {
    await work();
    output.dataset.done = "true";
  } catch (error) {
    notice(error.message);
    output.dataset.done = "error";
  } finally {
    run.disabled = false;
    run.textContent = t("play.run");
  }
}

const tookHint = (started) => element("p", { class: "hint", "data-testid": "took",
  text: `${t("play.time")} ${Math.round(performance.now() - started)} ms` });
const rawJson = (answer) => [element("h3", { text: t("play.raw") }),
  element("pre", { "data-testid": "raw", text: JSON.stringify(answer, null, 2) })];

// Search over an index the server serves (lai serve --index NAME=DIR).
async function searchPanel(page) {
  const served = (await api("/v1/indexes")).data;
  if (!served.length) {
    page.append(element("p", { class: "panel", "data-testid": "no-index", text: t("search.none") }));
    return;
  }
  const picker = element("select", { id: "search-index", name: "index" });
  for (const index of served) {
    picker.append(element("option", { value: index.name, text: `${index.name} (${index.documents})` }));
  }
  const query = element("input", { id: "search-query", type: "search", name: "query" });
  query.value = EXAMPLES.search[state.lang];
  const k = element("input", { id: "search-k", type: "number", name: "k", min: 1, max: 100, step: 1 });
  k.value = "5";
  const run = element("button", { type: "submit", class: "primary", id: "run", text: t("play.run") });
  const form = element("form", { "aria-label": "search" }, element("div", { class: "options" },
    element("label", { for: "search-index", text: t("search.index") }), picker,
    element("label", { for: "search-query", text: t("search.query") }), query,
    element("label", { for: "search-k", text: t("search.k") }), k), run);
  const output = element("section", { id: "result", "aria-live": "polite" });
  page.append(element("div", { class: "grid" }, form, output));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const path = `/v1/indexes/${encodeURIComponent(picker.value)}/search`;
    showRun(output, run, async () => {
      const started = performance.now();
      const answer = await api(path, { query: query.value, k: Number(k.value) || 5 });
      const hits = element("table", { "data-testid": "hits" }, element("tr", {},
        ...["#", "score", t("play.input")].map((h) => element("th", { text: h }))));
      answer.data.forEach((hit, rank) => hits.append(element("tr", {},
        element("td", { text: String(rank + 1) }), element("td", { text: hit.score.toFixed(3) }),
        element("td", { text: hit.text }))));
      output.append(element("h2", { text: t("play.result") }), tookHint(started), hits,
                    ...rawJson(answer));
    });
  });
}

async function chatPage(page) {
  page.append(element("h1", { text: t("chat.title") }));
  const picker = element("select", { id: "chat-model", "aria-label": t("chat.model") });
  try {
    const models = await api("/v1/models");
    const chat = new Set(["lepton-ai:chat", "you:assistant"]);
    for (const model of models.data.filter((m) => chat.has(m.owned_by))) {
      // The local language model streams its reply; an assistant's is decided whole.
      picker.append(element("option", { value: model.id, text: model.id,
                                        "data-stream": String(model.owned_by === "lepton-ai:chat") }));
    }
  } catch (error) {
    notice(error.message);
  }
  const log = element("div", { class: "chat-log", id: "chat-log", "aria-live": "polite" });
  const message = element("textarea", { id: "chat-input", rows: 2, placeholder: t("chat.placeholder"),
                                        "aria-label": t("chat.placeholder") });
  const send = element("button", { type: "submit", class: "primary", text: t("chat.send") });
  const history = [];
  const form = element("form", {}, message, send,
                       element("button", { type: "button", text: t("chat.clear"), onclick: () => {
                         history.length = 0; log.replaceChildren();
                       } }));
  page.append(element("label", { for: "chat-model", text: `${t("chat.model")} ` }), picker, log, form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = message.value.trim();
    if (!text) return;
    notice("");
    history.push({ role: "user", content: text });
    log.append(element("p", { class: "user", text: `${t("chat.you")}: ${text}` }));
    message.value = "";
    send.disabled = true;
    log.dataset.done = "false";
    const model = picker.value;
    const line = element("p", { class: "assistant", "data-testid": "reply", "data-pieces": "0", text: `${model}: …` });
    log.append(line);
    const show = (reply) => {
      line.textContent = `${model}: ${reply}`;
      line.dataset.pieces = String(Number(line.dataset.pieces) + 1);
      log.scrollTop = log.scrollHeight;
    };
    try {
      const body = { model, messages: history };
      const streams = picker.selectedOptions[0]?.dataset.stream === "true";
      const reply = streams ? await streamedChat(body, show)
        : (await api("/v1/chat/completions", body)).choices[0].message.content;
      show(reply);
      history.push({ role: "assistant", content: reply });
    } catch (error) {
      history.pop();
      line.remove();
      notice(error.message);
    } finally {
      send.disabled = false;
      log.dataset.done = "true";
    }
  });
}

const format = (template, values) =>
  template.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");

async function modelsPage(page) {
  const shipped = (await api("/v1/registry")).data;
  const registry = element("table", { "data-testid": "registry" }, element("tr", {},
    ...["name", "role", "languages", "license", "MB", t("models.installed"), ""].map((h) => element("th", { text: h }))));
  for (const spec of shipped) {
    registry.append(element("tr", {}, element("td", { text: spec.name }), element("td", { text: spec.role }),
      element("td", { text: spec.languages }), element("td", { text: spec.license }),
      element("td", { text: spec.size_mb ?? "" }), element("td", { text: spec.installed ? "✓" : "—" }),
      element("td", { class: "hint", text: spec.description })));
  }
  page.append(element("h1", { text: t("models.registry") }), registry);
  page.append(element("h1", { text: t("models.title") }));
  const adminInput = element("input", { id: "admin-key", type: "password", autocomplete: "off" });
  adminInput.value = state.adminKey;
  page.append(element("form", { class: "panel", onsubmit: (event) => {
    event.preventDefault();
    state.adminKey = adminInput.value.trim();
    sessionStorage.setItem("lai.adminKey", state.adminKey);
    render();
  } }, element("label", { for: "admin-key", text: `${t("models.admin")} ` }), adminInput,
  element("button", { type: "submit", text: t("models.adminSave") })));
  if (!state.adminKey) {
    page.append(element("p", { class: "hint", text: t("models.needAdmin") }));
    return;
  }
  const served = await api("/admin/models");
  const compressions = await api("/v1/train/compressions");
  if (!served.length) {
    page.append(element("p", { text: t("models.none") }));
    return;
  }
  for (const model of served) {
    const section = element("section", { "data-model": model.name });
    section.append(element("h2", { text: model.name }),
                   element("p", { "data-testid": "current",
                                  text: `${t("models.current")}: ${model.current}` }),
                   element("p", { class: "hint",
                                  text: `${t("models.history")}: ${model.history.join(" → ") || "—"}` }));
    const table = element("table", {}, element("tr", {}, ...["version", "task", "labels", "path", "", ""]
      .map((name) => element("th", { text: name }))));
    const jobs = element("div", { "data-testid": "compress-jobs" });
    for (const version of model.versions) {
      const action = version.version === model.current
        ? element("strong", { text: t("models.current") })
        : element("button", { type: "button", "data-switch": version.version, text:
            `${t("models.switch")} ${version.version}`, onclick: () => change(model.name,
              format(t("models.confirmSwitch"), { name: model.name, version: version.version }),
              `/admin/models/${encodeURIComponent(model.name)}/current`, { version: version.version }, "PUT") });
      table.append(element("tr", {}, element("td", { text: version.version }),
                           element("td", { text: version.task }),
                           element("td", { text: String(version.labels) }),
                           element("td", { text: version.path }), element("td", {}, action),
                           element("td", {}, ...exportButtons(model.name, version),
                                   ...(version.task === "classify" ? compressForm(model.name, version, compressions, jobs) : []))));
    }
    section.append(table, jobs);
    if (model.history.length) {
      section.append(element("button", { type: "button", "data-rollback": model.name,
        text: t("models.rollback"), onclick: () => change(model.name,
          format(t("models.confirmRollback"), { name: model.name }),
          `/admin/models/${encodeURIComponent(model.name)}/rollback`, {}, "POST") }));
    }
    const probe = element("input", { type: "text", "aria-label": `${t("models.try")} ${model.name}`,
                                     "data-testid": "probe" });
    const said = element("pre", { "data-testid": "prediction" });
    section.append(element("form", { class: "copy", onsubmit: async (event) => {
      event.preventDefault();
      notice("");
      try {
        const answer = await api(`/v1/models/${encodeURIComponent(model.name)}/predict`,
                                 { input: probe.value });
        said.textContent = JSON.stringify(answer, null, 2);
      } catch (error) {
        notice(error.message);
      }
    } }, probe, element("button", { type: "submit", text: t("models.try") })), said);
    page.append(section);
  }
}

// Switching and rolling back ask first, then show the server's state afresh, so a page
// never keeps showing a version that is no longer current.
async function change(name, question, path, body, method) {
  if (!window.confirm(question)) return;
  notice("");
  try {
    await api(path, body, method);
  } catch (error) {
    notice(error.message);
  }
  await render();
}

async function assistantPage(page) {
  page.append(element("h1", { text: t("nav.assistant") }));
  const models = await api("/v1/models");
  const names = models.data.filter((m) => m.owned_by === "you:assistant")
    .map((m) => m.id.replace(/^assistant:/, ""));
  if (!names.length) {
    page.append(element("p", { text: t("assistant.none") }));
    return;
  }
  const picker = element("select", { id: "assistant-name", "aria-label": t("nav.assistant") });
  for (const name of names) picker.append(element("option", { value: name, text: name }));
  const log = element("div", { class: "chat-log", id: "assistant-log", "aria-live": "polite" });
  const message = element("textarea", { id: "assistant-input", rows: 2,
                                        "aria-label": t("chat.placeholder"),
                                        placeholder: t("chat.placeholder") });
  let session = null;
  const form = element("form", {}, message,
                       element("button", { type: "submit", class: "primary", text: t("chat.send") }));
  page.append(picker, log, form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = message.value.trim();
    if (!text) return;
    notice("");
    log.append(element("p", { class: "user", text: `${t("chat.you")}: ${text}` }));
    message.value = "";
    try {
      const name = encodeURIComponent(picker.value);
      const reply = await api(`/v1/assistant/${name}/messages`,
                              session ? { message: text, session } : { message: text });
      session = reply.session;
      log.append(replyView(picker.value, reply));
    } catch (error) {
      notice(error.message);
    }
  });
}

function replyView(name, reply) {
  const box = element("div", { class: "reply", "data-testid": "assistant-reply",
                               "data-action": reply.action });
  box.append(element("p", { text: `${name}: ${reply.answer}` }));
  const facts = `${reply.action} · ${t("assistant.confidence")} ${reply.confidence.toFixed(2)}`;
  box.append(element("p", { class: "hint", text: facts }));
  if (reply.handoff) {
    box.append(element("p", { class: "label", "data-testid": "handoff", text:
      `${t("assistant.handoff")}${reply.handoff_reason ? `: ${reply.handoff_reason}` : ""}` }));
  }
  for (const option of reply.options || []) box.append(element("span", { class: "label", text: option }));
  if (reply.citations.length) {
    const list = element("ul", { "data-testid": "citations" });
    for (const citation of reply.citations) {
      const title = citation.url
        ? element("a", { href: citation.url, rel: "noreferrer", text: citation.title })
        : citation.title;
      list.append(element("li", {}, title, ` (${citation.id})`));
    }
    box.append(element("p", { class: "hint", text: t("assistant.sources") }), list);
  }
  const rate = (rating) => async (event) => {
    try {
      await api(`/v1/assistant/${encodeURIComponent(name)}/feedback`,
                { session: reply.session, turn_id: reply.turn_id, rating });
      event.target.parentElement.replaceChildren(t("assistant.thanks"));
    } catch (error) {
      notice(error.message);
    }
  };
  box.append(element("div", { class: "copy" },
    element("button", { type: "button", onclick: rate(1), text: `👍 ${t("assistant.helpful")}` }),
    element("button", { type: "button", onclick: rate(-1), text: `👎 ${t("assistant.wrong")}` })));
  return box;
}

async function monitorPage(page) {
  page.append(element("h1", { text: t("nav.monitor") }));
  const names = (await api("/v1/monitor")).data;
  if (!names.length) {
    page.append(element("p", { text: t("monitor.none") }));
    return;
  }
  for (const name of names) {
    const path = `/v1/monitor/${encodeURIComponent(name)}`;
    const [stats, alerts] = await Promise.all([api(path), api(`${path}/alerts`)]);
    const section = element("section", { "data-monitor": name }, element("h2", { text: name }));
    const figures = Object.entries(stats).filter(([, value]) => typeof value !== "object");
    section.append(element("p", { class: "hint", text: `${t("monitor.stats")}: ` +
      figures.map(([key, value]) => `${key} ${value}`).join(" · ") }));
    section.append(element("h3", { text: t("monitor.alerts") }));
    if (!alerts.data.length) section.append(element("p", { text: t("monitor.noAlerts") }));
    for (const alert of [...alerts.data].reverse()) {  // newest first
      const evidence = alert.evidence || {};
      const card = element("details", { class: "panel", "data-testid": "alert" },
        element("summary", { text: `${alert.fired_at} · ${alert.rule} · ${alert.kind}: ${alert.key}` }));
      if (evidence.summary) card.append(element("p", { text: evidence.summary }));
      if (evidence.key_phrases?.length) {
        card.append(element("div", { class: "labels" },
          ...evidence.key_phrases.map((phrase) => element("span", { class: "label", text: phrase }))));
      }
      if (evidence.figures) {
        card.append(element("p", { class: "hint", text: Object.entries(evidence.figures)
          .map(([key, value]) => `${key} ${value}`).join(" · ") }));
      }
      const documents = element("ol");
      for (const document of evidence.documents || []) {
        const polarity = typeof document.polarity === "number" ? ` (${document.polarity.toFixed(2)})` : "";
        documents.append(element("li", { text: `${document.time || ""} · ${document.id || ""}` +
                                               `${polarity}: ${document.text || ""}` }));
      }
      card.append(element("h4", { text: t("monitor.documents") }), documents,
                  element("button", { type: "button", text: `${t("monitor.open")} ${alert.key}`,
                                      onclick: () => showKey(detail, path, alert.kind, alert.key) }));
      section.append(card);
    }
    const detail = element("section", { class: "panel", "data-testid": "key-detail", hidden: "" });
    section.append(trends(path, detail), detail);
    page.append(section);
  }
}

// The leaderboard of one kind of key (watched names, topics, sources); a key opens its
// timeline and the documents behind it.
function trends(path, detail) {
  const box = element("div", { "data-testid": "trends" });
  const by = element("select", { "aria-label": t("monitor.by") },
    ...["entity", "topic", "source"].map((kind) => element("option", { value: kind, text: kind })));
  const board = element("div");
  const load = async () => {
    const top = await api(`${path}/top?by=${by.value}`);
    if (!top.data.length) {
      board.replaceChildren(element("p", { class: "hint", text: t("monitor.none30") }));
      return;
    }
    const most = Math.max(...top.data.map((row) => row.volume));
    const table = element("table", { "data-testid": "leaderboard" }, element("tr", {},
      ...[by.value, t("monitor.mentions"), t("monitor.negative"), ""].map((h) => element("th", { text: h }))));
    for (const row of top.data) {
      const bar = chart(120, 12, `${row.volume} ${t("monitor.mentions")}, ${row.negative} ${t("monitor.negative")}`);
      bar.append(svgElement("rect", { x: 0, y: 1, height: 10, width: (120 * row.volume) / most, fill: "#8fb0ff" }),
                 svgElement("rect", { x: 0, y: 1, height: 10, width: (120 * row.negative) / most, fill: "#b3261e" }));
      table.append(element("tr", {}, element("td", {}, element("button", { type: "button", "data-key": row.key,
        text: row.key, onclick: () => showKey(detail, path, by.value, row.key) })),
        element("td", { text: String(row.volume) }),
        element("td", { text: `${row.negative} (${(100 * row.negative / row.volume).toFixed(0)}%)` }),
        element("td", {}, bar)));
    }
    board.replaceChildren(table);
  };
  by.addEventListener("change", () => load().catch((error) => notice(error.message)));
  load().catch((error) => notice(error.message));
  box.append(element("h3", { text: t("monitor.trends") }),
             element("label", {}, `${t("monitor.by")} `, by), board);
  return box;
}

// One key: its mentions per bucket (negative ones in red) and the documents behind them.
async function showKey(detail, path, kind, key) {
  const query = (extra) => `by=${kind}&key=${encodeURIComponent(key)}${extra}`;
  const bucket = element("select", { "aria-label": t("monitor.bucket") },
    ...["day", "hour"].map((name) => element("option", { value: name, text: name })));
  const plot = element("div", { "data-testid": "timeline" });
  const draw = async () => {
    const rows = (await api(`${path}/timeline?${query(`&bucket=${bucket.value}`)}`)).data;
    plot.replaceChildren(timelineChart(rows));
  };
  bucket.addEventListener("change", () => draw().catch((error) => notice(error.message)));
  const documents = (await api(`${path}/documents?${query("")}`)).data;
  const list = element("ol", { "data-testid": "key-documents" });
  for (const document of documents) {
    list.append(element("li", { text: `${document.time} · ${document.source} · ${document.sentiment ?? ""} ` +
                                      `(${document.polarity.toFixed(2)}): ${document.text}` }));
  }
  detail.replaceChildren(element("h3", { text: `${kind}: ${key}` }),
                         element("label", {}, `${t("monitor.bucket")} `, bucket), plot,
                         element("h4", { text: `${t("monitor.behind")} (${documents.length})` }), list);
  detail.hidden = false;
  await draw();
  detail.scrollIntoView({ block: "nearest" });
}

function timelineChart(rows) {
  const width = 360, height = 120, most = Math.max(1, ...rows.map((row) => row.volume));
  const step = (width - 20) / Math.max(rows.length, 1);
  const said = rows.map((row) => `${row.start}: ${row.volume} (${row.negative} ${t("monitor.negative")})`);
  const svg = chart(width, height, said.join(", "));
  rows.forEach((row, i) => {
    const x = 10 + i * step, full = ((height - 20) * row.volume) / most;
    const bar = svgElement("rect", { x, y: height - 10 - full, width: Math.max(step - 2, 1), height: full,
                                     fill: "#8fb0ff", class: "bucket" });
    bar.append(svgElement("title", {}, said[i]));
    const negative = ((height - 20) * row.negative) / most;
    svg.append(bar, svgElement("rect", { x, y: height - 10 - negative, width: Math.max(step - 2, 1),
                                         height: negative, fill: "#b3261e" }));
  });
  return svg;
}

// ---- Recommend -------------------------------------------------------------------------
// Items for a user (their history) or for interests in words, each with its reason.
async function recommendPage(page) {
  page.append(element("h1", { text: t("nav.recommend") }));
  const served = (await api("/v1/recommend")).data;
  if (!served.length) {
    page.append(element("p", { class: "panel", text: t("recommend.none") }));
    return;
  }
  const picker = element("select", { id: "recommend-name" },
    ...served.map((r) => element("option", { value: r.name, text: `${r.name} (${r.items})` })));
  const user = element("input", { id: "recommend-user", type: "text" });
  const interests = element("textarea", { id: "recommend-text", rows: 2 });
  const k = element("input", { id: "recommend-k", type: "number", min: 1, max: 100, step: 1 });
  k.value = "10";
  const diversity = element("input", { id: "recommend-diversity", type: "number", min: 0, max: 1, step: 0.1 });
  diversity.value = "0";
  const run = element("button", { type: "submit", class: "primary", id: "run", text: t("play.run") });
  const form = element("form", { "aria-label": t("nav.recommend") }, element("div", { class: "options" },
    element("label", { for: "recommend-name", text: t("nav.recommend") }), picker,
    element("label", { for: "recommend-user", text: t("recommend.user") }), user,
    element("label", { for: "recommend-text", text: t("recommend.text") }), interests,
    element("label", { for: "recommend-k", text: t("search.k") }), k,
    element("label", { for: "recommend-diversity", text: t("recommend.diversity") }), diversity), run);
  const output = element("section", { id: "result", "aria-live": "polite" });
  page.append(element("div", { class: "grid" }, form, output));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { k: Number(k.value) || 10, diversity: Number(diversity.value) || 0 };
    if (user.value.trim()) body.user = user.value.trim();
    else body.text = interests.value;
    showRun(output, run, async () => {
      const started = performance.now();
      const answer = await api(`/v1/recommend/${encodeURIComponent(picker.value)}`, body);
      const table = element("table", { "data-testid": "picks" }, element("tr", {},
        ...["#", t("recommend.item"), "score", t("recommend.reason")].map((h) => element("th", { text: h }))));
      answer.data.forEach((pick, rank) => table.append(element("tr", {},
        element("td", { text: String(rank + 1) }), element("td", { text: `${pick.item}: ${pick.text}` }),
        element("td", { text: pick.score.toFixed(3) }), element("td", { class: "hint", text: pick.reason }))));
      output.append(element("h2", { text: t("play.result") }), tookHint(started), table, ...rawJson(answer));
    });
  });
}

// ---- Train ---------------------------------------------------------------------------
async function trainPage(page) {
  page.append(element("h1", { text: t("nav.train") }));
  const methods = await api("/v1/train/methods");
  const file = element("input", { id: "train-file", type: "file",
                                  accept: ".csv,.tsv,.jsonl,.ndjson,.json,.parquet" });
  const setup = element("section", { id: "train-setup" });
  const runs = element("section", { id: "train-runs" });
  const onServer = element("select", { id: "train-server-file" },
                           element("option", { value: "", text: "—" }));
  const listed = (await api("/v1/train/files")).data;
  for (const table of listed) {
    onServer.append(element("option", { value: table.name, text: `${table.name} (${Math.ceil(table.size / 1024)} kB)` }));
  }
  page.append(element("label", { for: "train-file", text: `${t("train.file")} ` }), file,
              element("p", {}, element("label", { for: "train-server-file", text: `${t("train.serverFile")} ` }), onServer),
              listed.length ? "" : element("p", { class: "hint", text: t("train.noServerFiles") }), setup, runs);
  const take = async (request) => {
    notice("");
    setup.replaceChildren();
    try {
      setupView(setup, await request(), methods, runs);
    } catch (error) {
      notice(error.message);
    }
  };
  file.addEventListener("change", () => {
    const chosen = file.files[0];
    if (chosen) take(async () => api(`/v1/train/uploads?name=${encodeURIComponent(chosen.name)}`,
                                     await chosen.arrayBuffer(), "PUT", "application/octet-stream"));
  });
  onServer.addEventListener("change", () => {
    if (onServer.value) take(() => api(`/v1/train/files/${encodeURIComponent(onServer.value)}`, {}));
  });
  await runsView(runs);
}

function setupView(setup, upload, methods, runs) {
  setup.append(element("p", { "data-testid": "upload", text: `${upload.name}: ${upload.rows} ${t("train.rows")}` }));
  const table = element("table", { "data-testid": "preview" },
                        element("tr", {}, ...upload.columns.map((c) => element("th", { text: c }))));
  for (const row of upload.preview) {
    table.append(element("tr", {}, ...upload.columns.map((c) => element("td", { text: String(row[c] ?? "") }))));
  }
  setup.append(table);
  const pick = (id, wanted) => {
    const select = element("select", { id });
    for (const column of upload.columns) {
      select.append(element("option", { value: column, text: column, selected: column === wanted ? "" : false }));
    }
    return select;
  };
  const textColumn = pick("train-text", upload.columns.includes("text") ? "text" : upload.columns[0]);
  const labelColumn = pick("train-label", upload.columns.includes("label") ? "label" : upload.columns.at(-1));
  const method = element("select", { id: "train-method" });
  for (const name of Object.keys(methods)) method.append(element("option", { value: name, text: name }));
  const explain = element("p", { class: "hint", text: methods.auto });
  method.addEventListener("change", () => { explain.textContent = methods[method.value]; });
  const findings = element("div", { id: "train-checks", "aria-live": "polite" });
  const start = element("button", { type: "button", class: "primary", id: "train-start", text: t("train.start") });
  setup.append(element("div", { class: "options" },
    element("label", { for: "train-text", text: t("train.text") }), textColumn,
    element("label", { for: "train-label", text: t("train.label") }), labelColumn,
    element("label", { for: "train-method", text: t("train.method") }), method), explain, findings, start);
  const check = async () => {
    findings.replaceChildren();
    notice("");
    try {
      const result = await api(`/v1/train/uploads/${upload.id}/check`,
                               { text: textColumn.value, label: labelColumn.value });
      findings.append(element("h3", { text: t("train.warnings") }),
        element("p", { text: `${result.examples} ${t("train.examples")} · ${Object.entries(result.labels)
          .map(([label, n]) => `${label} ${n}`).join(" · ")} · ${result.base}` }));
      for (const warning of result.warnings) findings.append(element("p", { class: "label", "data-testid": "warning", text: warning }));
      if (!result.warnings.length) findings.append(element("p", { text: t("train.ok") }));
      start.disabled = false;
    } catch (error) {
      findings.append(element("p", { class: "label", "data-testid": "warning", text: error.message }));
      start.disabled = true;
    }
  };
  textColumn.addEventListener("change", check);
  labelColumn.addEventListener("change", check);
  start.addEventListener("click", async () => {
    notice("");
    try {
      const job = await api("/v1/train/jobs", { upload: upload.id, text: textColumn.value,
                                                label: labelColumn.value, method: method.value });
      await runsView(runs, job.id);
    } catch (error) {
      notice(error.message);
    }
  });
  check();
}

async function runsView(runs, watch = null) {
  let board = runs.querySelector(".runs-board");
  if (!board) {
    runs.replaceChildren();
    board = element("div", { class: "runs-board" });
    runs.append(board);
  }
  const jobs = await drawRuns(board);
  const live = watch || jobs.findLast((job) => job.status === "running")?.id;
  if (live) await watchJob(runs, live, () => drawRuns(board));
}

// The runs of this server in one table, and their macro F1 side by side.
async function drawRuns(board) {
  const jobs = (await api("/v1/train/jobs")).data;
  board.replaceChildren();
  if (!jobs.length) return jobs;
  board.append(element("h2", { text: t("train.runs") }));
  const table = element("table", { "data-testid": "runs" }, element("tr", {},
    ...["id", "method", t("train.status"), t("train.accuracy"), t("train.macroF1")].map((h) => element("th", { text: h }))));
  board.append(table);
  for (const job of [...jobs].reverse()) {
    table.append(element("tr", { "data-job": job.id }, element("td", { text: job.id }),
                         element("td", { text: job.settings.method }),
                         element("td", { "data-testid": "status", text: job.status }),
                         element("td", { text: "" }), element("td", { text: "" })));
  }
  const finished = jobs.filter((job) => job.status === "succeeded");
  const reports = await Promise.all(finished.map((job) => api(`/v1/train/jobs/${job.id}`).catch(() => null)));
  const scores = [];
  finished.forEach((job, i) => {
    const report = reports[i]?.report;
    const row = table.querySelector(`tr[data-job="${job.id}"]`);
    if (!report || !row) return;
    row.children[3].textContent = report.accuracy.toFixed(3);
    row.children[4].textContent = report.macro.f1.toFixed(3);
    scores.push([job.id, report.macro.f1]);
  });
  if (scores.length > 1) board.append(comparisonChart(scores));
  return jobs;
}

// The run's events arrive as server-sent events; fetch reads them (EventSource cannot
// send the API key).
async function watchJob(runs, jobId, onEnd = async () => {}) {
  const panel = element("section", { class: "panel", id: "train-live", "data-job": jobId });
  const bar = element("progress", { id: "train-bar", max: 1, value: 0, "aria-label": t("train.progress") });
  const status = element("p", { "data-testid": "train-status" });
  const chart = element("div", { "data-testid": "loss-chart" });
  const notes = element("ol", { class: "hint" });
  const cancel = element("button", { type: "button", text: t("train.cancel"), onclick: () =>
    api(`/v1/train/jobs/${jobId}/cancel`, {}).catch((error) => notice(error.message)) });
  panel.append(element("h3", { text: `${t("train.progress")} · ${jobId}` }), bar, status, cancel, chart, notes);
  runs.querySelector("#train-live")?.remove();  // one live panel: the newest run
  runs.prepend(panel);
  const losses = [], validations = [], bars = {};
  const events = `/v1/train/jobs/${jobId}/events`;
  const response = await fetch(events, { headers: authHeaders(events) });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let ended = null;
  while (!ended) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const blocks = buffer.split("\n\n");
    buffer = blocks.pop();
    for (const block of blocks) {
      const kind = /^event: (\w+)/m.exec(block)?.[1] || "message";
      const data = JSON.parse(/^data: (.*)$/m.exec(block)[1]);
      if (kind === "end") { ended = data; break; }
      // How long after the run wrote it an event is on screen (bench/console_browser.py).
      const lag = Date.now() - data.time * 1000;
      panel.dataset.maxLagMs = String(Math.round(Math.max(lag, Number(panel.dataset.maxLagMs || 0))));
      if (data.kind === "progress" && data.total) {
        if (data.description !== bars.description) Object.assign(bars, { description: data.description, started: data.time, from: data.done });
        bar.max = data.total;
        bar.value = data.done;
        const left = secondsLeft(data.time - bars.started, data.done - bars.from, data.total - data.done);
        status.textContent = `${data.description}: ${data.done}/${data.total} ${data.status || ""}` +
          (left === null || data.done === data.total ? "" : ` · ~${left} s ${t("train.left")}`);
      } else if (data.kind === "epoch") {
        losses.push(data.loss);
        if (typeof data.validation === "number") validations.push(data.validation);
        chart.replaceChildren(epochChart(losses, t("train.loss"), "#2458d6"));
        if (validations.length) chart.append(epochChart(validations, t("train.validation"), "#d66a24", false));
      } else if (data.kind === "note") {
        notes.append(element("li", { text: data.message }));
        status.textContent = data.message;
      }
    }
  }
  cancel.remove();
  status.textContent = `${t("train.status")}: ${ended?.status ?? "?"}`;
  if (ended?.status === "succeeded") bar.value = bar.max;
  if (ended?.status === "succeeded") await reportView(panel, jobId);
  await onEnd();
  panel.dataset.done = ended?.status ?? "unknown";
  if (ended?.status === "failed") panel.append(element("pre", { text: ended.output || "" }));
  if (ended?.resumable) {
    panel.append(element("button", { type: "button", id: "train-resume", text: t("train.resume"),
      onclick: async () => {
        notice("");
        try {
          await api(`/v1/train/jobs/${jobId}/resume`, {});
          await watchJob(runs, jobId, onEnd);
        } catch (error) {
          notice(error.message);
        }
      } }));
  }
}

// An SVG element with its attributes (and text, for <text>).
function svgElement(tag, attributes = {}, text = null) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== null) node.textContent = text;
  return node;
}

function chart(width, height, label) {
  return svgElement("svg", { viewBox: `0 0 ${width} ${height}`, width, role: "img", "aria-label": label });
}

// One number per epoch (the loss, or the validation score) as a line with a point each.
function epochChart(values, title, colour, fromZero = true) {
  const width = 320, height = 120, top = Math.max(...values), bottom = Math.min(...values, ...(fromZero ? [0] : []));
  const x = (i) => (values.length === 1 ? width / 2 : (i / (values.length - 1)) * (width - 20) + 10);
  const y = (v) => height - 10 - ((v - bottom) / Math.max(top - bottom, 1e-9)) * (height - 20);
  const svg = chart(width, height, `${title}: ${values.map((v) => v.toFixed(3)).join(", ")}`);
  svg.append(svgElement("polyline", { points: values.map((v, i) => `${x(i)},${y(v)}`).join(" "),
                                      fill: "none", stroke: colour, "stroke-width": 2 }));
  // A point per epoch: one epoch is a point, not a line.
  values.forEach((v, i) => svg.append(svgElement("circle", { cx: x(i), cy: y(v), r: 3, fill: colour })));
  return element("figure", {}, svg, element("figcaption", { class: "hint", text: title }));
}

// Seconds left in a progress bar from its rate so far, both times the run's own clock
// (null until it has a rate).
function secondsLeft(elapsed, advanced, remaining) {
  return advanced > 0 && elapsed > 1 ? Math.round((remaining * elapsed) / advanced) : null;
}

// Calibration: each confidence bin's accuracy (a bar over the bin) against the diagonal
// that a calibrated model follows.
function calibrationChart(bins, ece) {
  const size = 220, pad = 28, span = size - 2 * pad;
  const x = (v) => pad + v * span, y = (v) => size - pad - v * span;
  const said = bins.map((b) => `${b.low.toFixed(2)}–${b.high.toFixed(2)}: ${(100 * b.accuracy).toFixed(0)}% (${b.count})`);
  const svg = chart(size, size, `${t("train.calibration")} ${ece.toFixed(3)}; ${said.join(", ")}`);
  svg.setAttribute("data-testid", "calibration");
  svg.append(svgElement("rect", { x: pad, y: pad, width: span, height: span, fill: "none", stroke: "#d8dde6" }));
  bins.forEach((b, i) => {
    const bar = svgElement("rect", { x: x(b.low) + 0.5, y: y(b.accuracy), width: Math.max((b.high - b.low) * span - 1, 1),
                                     height: b.accuracy * span, fill: "#2458d6", class: "bin" });
    bar.append(svgElement("title", {}, said[i]));
    svg.append(bar);
  });
  svg.append(svgElement("line", { x1: x(0), y1: y(0), x2: x(1), y2: y(1), stroke: "#5b6475", "stroke-dasharray": "4 3" }));
  svg.append(svgElement("text", { x: size / 2, y: size - 6, "text-anchor": "middle", "font-size": 11 }, "confidence"));
  svg.append(svgElement("text", { x: 12, y: size / 2, "font-size": 11, "text-anchor": "middle",
                                  transform: `rotate(-90 12 ${size / 2})` }, "accuracy"));
  return element("figure", {}, svg, element("figcaption", { class: "hint", text: t("train.calibrationChart") }));
}

async function reportView(panel, jobId) {
  const full = await api(`/v1/train/jobs/${jobId}`);
  const report = full.report;
  if (!report) return;
  const calibration = typeof report.ece === "number" ? ` · ${t("train.calibration")} ${report.ece.toFixed(3)}` : "";
  panel.append(element("h3", { text: t("train.report") }),
    element("p", { "data-testid": "report-summary", text:
      `${t("train.accuracy")} ${report.accuracy.toFixed(3)} · ${t("train.macroF1")} ${report.macro.f1.toFixed(3)} · ${report.examples} ${t("train.examples")}${calibration}` }));
  const table = element("table", { "data-testid": "per-label" }, element("tr", {},
    ...["label", "precision", "recall", "F1", "support"].map((h) => element("th", { text: h }))));
  for (const row of report.per_label) {
    table.append(element("tr", {}, element("td", { text: row.label }),
      ...[row.precision, row.recall, row.f1].map((v) => element("td", { text: v.toFixed(3) })),
      element("td", { text: String(row.support) })));
  }
  panel.append(table);
  if (full.compression) panel.append(compressionTable(full.compression));
  const picture = `/v1/train/jobs/${jobId}/confusion.png`;
  const image = await fetch(picture, { headers: authHeaders(picture) });
  if (image.ok) {
    panel.append(element("img", { src: URL.createObjectURL(await image.blob()),
                                  alt: "confusion matrix", width: 360 }));
  }
  if (report.calibration?.length) panel.append(calibrationChart(report.calibration, report.ece));
  panel.append(errorBrowser(report.errors || report.confident_errors || [],
                            report.per_label.map((row) => row.label)));
  if (full.model_path) panel.append(serveForm(full));
}

// A compression's before/after rows: each model measured in a fresh process.
function compressionTable(record) {
  const columns = [["model", "model"], ["precision", "precision"], ["size_mb", "MB"],
                   ["texts_per_s_batch32", "texts/s @32"], ["p50_ms", "p50 ms"], ["accuracy", "accuracy"]];
  const table = element("table", { "data-testid": "compression" }, element("tr", {},
    ...columns.map(([, title]) => element("th", { text: title }))));
  for (const row of record.table) {
    table.append(element("tr", {}, ...columns.map(([key]) => element("td", { text: String(row[key] ?? "—") }))));
  }
  return element("section", {}, element("h3", { text: `${t("models.compress")}: ${record.method} · ` +
    `${record.drop >= 0 ? "−" : "+"}${Math.abs(record.drop)} ${t("train.accuracy")}` }), table);
}

// Load a finished run as a version of a served model (the admin key, as on Models).
function serveForm(job) {
  const name = element("input", { id: "serve-name", value: "my-model", "aria-label": t("train.serve") });
  const version = element("input", { id: "serve-version", value: job.id.slice(-6),
                                     "aria-label": t("train.version"), size: 8 });
  const said = element("p", { "data-testid": "served" });
  return element("form", { class: "copy", onsubmit: async (event) => {
    event.preventDefault();
    notice("");
    if (!state.adminKey) {
      notice(t("models.needAdmin"));
      return;
    }
    try {
      await api(`/admin/models/${encodeURIComponent(name.value)}/versions`,
                { path: job.model_path, version: version.value, make_current: true });
      said.textContent = format(t("train.served"), { name: name.value, version: version.value });
    } catch (error) {
      notice(error.message);
    }
  } }, element("span", { text: t("train.serve") }), name, element("span", { text: t("train.version") }),
  version, element("button", { type: "submit", id: "serve-run", text: "↗" }), said);
}

// `lai compress` of one served version, run as a job and watched like a training run;
// its report has the before/after table, and the result can be served as a version.
function compressForm(name, version, compressions, jobs) {
  const method = element("select", { "aria-label": `${t("models.compress")} ${name} ${version.version}`,
                                     "data-compress-method": version.version },
    ...Object.entries(compressions).map(([key, explained]) => element("option", { value: key, text: key, title: explained })));
  const start = element("button", { type: "button", "data-compress": version.version, text: t("models.compress"),
    onclick: async () => {
      notice("");
      try {
        const job = await api("/v1/train/compress", { model: name, version: version.version, method: method.value });
        await watchJob(jobs, job.id);
      } catch (error) {
        notice(error.message);
      }
    } });
  return [method, start];
}

// `lai export` of one served version, as a zip the browser saves: ONNX (int8: smaller,
// runs without lepton-ai) for classifiers, Hugging Face for classifiers and taggers.
function exportButtons(name, version) {
  const kinds = version.task === "classify"
    ? [["onnx", "int8", "ONNX int8"], ["hf", "fp32", "Hugging Face"]] : [["hf", "fp32", "Hugging Face"]];
  return kinds.map(([format, precision, title]) => element("button", { type: "button",
    "data-export": `${format}-${precision}`, text: `${t("models.export")} ${title}`, onclick: async (event) => {
      const button = event.target;
      notice("");
      button.disabled = true;
      button.textContent = t("models.exporting");
      try {
        const made = await api(`/admin/models/${encodeURIComponent(name)}/versions/` +
                               `${encodeURIComponent(version.version)}/export`, { format, precision });
        const file = await fetch(made.download, { headers: authHeaders(made.download) });
        if (!file.ok) throw refusal(made.download, file, await file.json().catch(() => ({})));
        const link = element("a", { href: URL.createObjectURL(await file.blob()), download: made.file });
        document.body.append(link);
        link.click();
        link.remove();
        button.dataset.done = made.file;
      } catch (error) {
        notice(error.message);
      } finally {
        button.disabled = false;
        button.textContent = `${t("models.export")} ${title}`;
      }
    } }));
}

// The evaluation's misclassified examples, most confident first, filtered by labels.
function errorBrowser(errors, labels) {
  const box = element("section", { "data-testid": "errors" }, element("h3", { text: t("train.errors") }));
  if (!errors.length) {
    box.append(element("p", { text: t("train.noErrors") }));
    return box;
  }
  const filter = (id, title) => {
    const select = element("select", { id, "aria-label": title },
                           element("option", { value: "", text: `${title}: ${t("train.any")}` }));
    for (const label of labels) select.append(element("option", { value: label, text: `${title}: ${label}` }));
    return select;
  };
  const truth = filter("errors-true", t("train.true"));
  const predicted = filter("errors-predicted", t("train.predicted"));
  const table = element("table");
  const show = () => {
    table.replaceChildren(element("tr", {}, ...["row", t("play.input"), t("train.true"), t("train.predicted"), "p"]
      .map((h) => element("th", { text: h }))));
    for (const error of errors) {
      if ((truth.value && error.label !== truth.value) || (predicted.value && error.predicted !== predicted.value)) continue;
      table.append(element("tr", { "data-testid": "error-row" }, element("td", { text: String(error.row) }),
        element("td", { text: error.text }), element("td", { text: error.label }),
        element("td", { text: error.predicted }), element("td", { text: error.confidence.toFixed(2) })));
    }
  };
  truth.addEventListener("change", show);
  predicted.addEventListener("change", show);
  show();
  box.append(element("div", { class: "copy" }, truth, predicted), table);
  return box;
}

// Runs side by side: one bar of macro F1 per finished run.
function comparisonChart(scores) {
  const width = 60 * scores.length + 20, height = 140;
  const svg = chart(width, height,
                    `${t("train.compare")}: ${scores.map(([id, f1]) => `${id} ${f1.toFixed(3)}`).join(", ")}`);
  scores.forEach(([id, f1], i) => {
    const tall = Math.max(1, f1 * (height - 40)), x = 20 + i * 60;
    svg.append(svgElement("rect", { x, y: height - 20 - tall, width: 40, height: tall, fill: "#2458d6" }),
               svgElement("text", { x, y: height - 24 - tall, "font-size": 11 }, f1.toFixed(2)),
               svgElement("text", { x, y: height - 6, "font-size": 9 }, id.slice(-6)));
  });
  return element("figure", { "data-testid": "comparison" }, svg,
                 element("figcaption", { class: "hint", text: t("train.compare") }));
}

// ---- Annotate (active learning) ------------------------------------------------------
const csvCell = (value) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

async function annotatePage(page) {
  page.append(element("h1", { text: t("nav.annotate") }));
  const served = (await api("/v1/models")).data.filter((m) => m.owned_by === "you");
  if (!served.length) {
    page.append(element("p", { text: t("annotate.none") }));
    return;
  }
  const model = element("select", { id: "annotate-model" });
  for (const m of served) model.append(element("option", { value: m.id, text: m.id }));
  const file = element("input", { id: "annotate-file", type: "file", accept: ".csv,.tsv,.jsonl,.json,.parquet" });
  const work = element("section", { id: "annotate-work" });
  const traffic = element("button", { type: "button", id: "annotate-traffic", text: t("annotate.traffic"),
    onclick: async () => {
      notice("");
      work.replaceChildren();
      try {
        const queue = await api("/v1/train/annotate", { model: model.value });
        if (queue.items.length) labelling(work, queue);
        else work.append(element("p", { "data-testid": "annotate-empty", text: t("annotate.empty") }));
      } catch (error) {
        notice(error.message);
      }
    } });
  page.append(element("div", { class: "options" },
    element("label", { for: "annotate-model", text: t("annotate.model") }), model,
    element("label", { for: "annotate-file", text: t("annotate.file") }), file), traffic, work);
  file.addEventListener("change", async () => {
    notice("");
    work.replaceChildren();
    try {
      const chosen = file.files[0];
      const upload = await api(`/v1/train/uploads?name=${encodeURIComponent(chosen.name)}`,
                               await chosen.arrayBuffer(), "PUT", "application/octet-stream");
      const column = element("select", { id: "annotate-text" });
      for (const name of upload.columns) {
        column.append(element("option", { value: name, text: name, selected: name === "text" ? "" : false }));
      }
      const build = element("button", { type: "button", class: "primary", id: "annotate-build",
        text: t("annotate.build"), onclick: async () => {
          notice("");
          try {
            const queue = await api("/v1/train/annotate", { model: model.value, upload: upload.id, text: column.value });
            labelling(work, queue);
          } catch (error) {
            notice(error.message);
          }
        } });
      work.append(element("label", { for: "annotate-text", text: `${t("train.text")} ` }), column, build);
    } catch (error) {
      notice(error.message);
    }
  });
}

function labelling(work, queue) {
  work.replaceChildren();
  const labelled = [];
  let at = 0;
  const card = element("div", { class: "panel", id: "annotate-card", "aria-live": "polite" });
  const count = element("p", { "data-testid": "annotated" });
  const update = element("button", { type: "button", class: "primary", id: "annotate-update",
                                     text: t("annotate.update"), disabled: "" });
  const outcome = element("section", { id: "annotate-outcome" });
  work.append(element("p", { class: "hint", text: t("annotate.keys") }), card, count, update, outcome);
  const show = () => {
    count.textContent = `${labelled.length} ${t("annotate.done")} · ${at}/${queue.items.length}`;
    update.disabled = !labelled.length;
    card.replaceChildren();
    const item = queue.items[at];
    if (!item) return;
    card.append(element("p", { "data-testid": "annotate-text", text: item.text }),
                element("p", { class: "hint", text: `${item.predicted} ${item.confidence.toFixed(2)} · margin ${item.margin.toFixed(3)}` }));
    const buttons = element("div", { class: "labels" });
    queue.labels.forEach((label, i) => buttons.append(element("button", { type: "button",
      "data-label": label, text: `${i + 1} ${label}`, onclick: () => choose(label) })));
    buttons.append(element("button", { type: "button", text: `s ${t("annotate.skip")}`, onclick: () => choose(null) }));
    card.append(buttons);
  };
  const choose = (label) => {
    const item = queue.items[at];
    if (!item) return;
    if (label) labelled.push([item.text, label, item.predicted]);
    at += 1;
    show();
  };
  state.keys = (event) => {
    if (event.target.matches("input, textarea, select")) return;
    if (event.key === "s") choose(null);
    const index = Number(event.key) - 1;
    if (index >= 0 && index < queue.labels.length) choose(queue.labels[index]);
  };
  update.addEventListener("click", async () => {
    notice("");
    const csv = `text,label\n${labelled.map(([text, label]) => `${csvCell(text)},${csvCell(label)}`).join("\n")}\n`;
    try {
      const upload = await api("/v1/train/uploads?name=corrections.csv", csv, "PUT", "text/csv");
      const job = await api("/v1/train/jobs", { upload: upload.id, method: "auto", from_model: queue.model });
      const runs = element("div");
      outcome.replaceChildren(runs);
      await watchJob(runs, job.id, async () => {
        const after = (await api(`/v1/train/jobs/${job.id}`)).report;
        outcome.append(beforeAfter(scored(labelled), after));
      });
    } catch (error) {
      notice(error.message);
    }
  });
  show();
}

// The served model's accuracy and macro F1 on the texts just labelled (its predictions
// came with the queue): "before" on the very texts the update learns from.
function scored(labelled) {
  const labels = [...new Set(labelled.flatMap(([, label, predicted]) => [label, predicted]))];
  const f1s = labels.map((name) => {
    const tp = labelled.filter(([, l, p]) => l === name && p === name).length;
    const fp = labelled.filter(([, l, p]) => l !== name && p === name).length;
    const fn = labelled.filter(([, l, p]) => l === name && p !== name).length;
    return tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  });
  return { accuracy: labelled.filter(([, l, p]) => l === p).length / labelled.length,
           macro: { f1: f1s.reduce((a, b) => a + b, 0) / Math.max(f1s.length, 1) },
           examples: labelled.length };
}

// Before and after an update, each row on one set of texts: this update's held-out texts
// and the earlier ones (forgetting), as training measured them; without those (too few
// labels to hold any out), the served model on your labels and the new model's own
// evaluation.
function beforeAfter(onLabels, after) {
  const number = (value) => (typeof value === "number" ? value.toFixed(3) : "—");
  const table = element("table", { "data-testid": "before-after" }, element("tr", {},
    ...["", t("annotate.before"), t("annotate.after")].map((h) => element("th", { text: h }))));
  const row = (name, before, later) => table.append(element("tr", {}, element("td", { text: name }),
    element("td", { text: number(before) }), element("td", { text: number(later) })));
  const same = after?.before_after, kept = after?.forgetting;
  if (same) {
    const set = `${t("annotate.heldOut")} (${same.examples})`;
    row(`${set} · ${t("train.accuracy")}`, same.before.accuracy, same.after.accuracy);
    row(`${set} · ${t("train.macroF1")}`, same.before.macro_f1, same.after.macro_f1);
  }
  if (kept) {
    row(`${t("annotate.earlier")} (${kept.old_eval_examples}) · ${t("train.accuracy")}`,
        kept.accuracy_before, kept.accuracy_after);
  }
  if (!same && !kept) {
    row(`${t("train.accuracy")}: ${t("annotate.onLabels")} (${onLabels.examples}) → ` +
        `${t("annotate.ownEval")} (${after?.examples ?? "—"})`, onLabels.accuracy, after?.accuracy);
  }
  return table;
}

// Documents: a scan or PDF read by /v1/ocr, its lines with page, box and confidence;
// then the same text through /v1/ner or /v1/redact, marked where it was found.
function documentsPage(page) {
  page.append(element("h1", { text: t("nav.documents") }));
  const file = element("input", { id: "documents-file", type: "file",
                                  accept: ".pdf,.png,.jpg,.jpeg,.tif,.tiff,.webp,.bmp" });
  const work = element("section", { id: "documents-work" });
  page.append(element("label", { for: "documents-file", text: `${t("documents.file")} ` }), file, work);
  file.addEventListener("change", async () => {
    notice("");
    work.replaceChildren();
    work.dataset.done = "false";
    const chosen = file.files[0];
    if (!chosen) return;
    try {
      const read = await api("/v1/ocr", await chosen.arrayBuffer(), "POST", "application/octet-stream");
      work.append(element("p", { class: "hint", "data-testid": "document-summary",
        text: `${chosen.name}: ${read.pages} ${t("documents.pages")}, ${read.lines.length} ` +
              `${t("documents.lines")} (${read.methods.join(", ")})` }));
      const text = element("div", { class: "result-text", "data-testid": "document-text", text: read.text });
      const table = element("table", { "data-testid": "document-lines" }, element("tr", {},
        ...[t("documents.page"), t("documents.lines"), t("documents.box"), t("documents.score")]
          .map((h) => element("th", { text: h }))));
      for (const line of read.lines) {
        table.append(element("tr", {}, element("td", { text: String(line.page) }),
          element("td", { text: line.text }),
          element("td", { text: line.box ? line.box.map(Math.round).join(", ") : "" }),
          element("td", { text: line.score === null ? "" : line.score.toFixed(3) })));
      }
      const result = element("div", { id: "documents-result" });
      const run = (task) => async () => {
        notice("");
        try {
          const answer = await api(`/v1/${task}`, { input: read.text });
          result.replaceChildren(highlighted(read.text, spansOf(answer.data)));
          const summary = summaryOf(answer.data);
          if (summary) result.append(summary);
        } catch (error) {
          notice(error.message);
        }
      };
      const actions = element("div", { class: "options" },
        element("button", { id: "documents-ner", type: "button", text: t("documents.ner"), onclick: run("ner") }),
        element("button", { id: "documents-redact", type: "button", text: t("documents.redact"), onclick: run("redact") }));
      if (read.text) work.append(text, actions, result, table);
      work.dataset.done = "true";
    } catch (error) {
      notice(error.message);
      work.dataset.done = "error";
    }
  });
}

async function render() {
  const [name, argument] = (window.location.hash.slice(1) || "home").split("/");
  const page = $("#page");
  page.replaceChildren();
  state.keys = null;  // a page's keyboard shortcuts end with the page
  for (const link of document.querySelectorAll("header nav a")) {
    link.toggleAttribute("aria-current", link.getAttribute("href") === `#${name}`);
    if (link.getAttribute("href") === `#${name}`) link.setAttribute("aria-current", "page");
  }
  try {
    state.schema ??= await fetch("/openapi.json").then((r) => r.json());
    if (name === "playground") await playgroundPage(page, argument);
    else if (name === "chat") await chatPage(page);
    else if (name === "models") await modelsPage(page);
    else if (name === "assistant") await assistantPage(page);
    else if (name === "monitor") await monitorPage(page);
    else if (name === "recommend") await recommendPage(page);
    else if (name === "train") await trainPage(page);
    else if (name === "annotate") await annotatePage(page);
    else if (name === "documents") documentsPage(page);
    else await homePage(page);
  } catch (error) {
    notice(error.message);
  }
  page.dataset.ready = "true";
  document.body.dataset.readyMs ??= String(Math.round(performance.now()));  // first render
}

function start() {
  applyLanguage();
  $("#language").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    localStorage.setItem("lai.lang", state.lang);
    applyLanguage();
    render();
  });
  $("#key-button").addEventListener("click", () => { $("#key-panel").hidden = !$("#key-panel").hidden; });
  $("#key-save").addEventListener("click", () => {
    state.key = $("#key-input").value.trim();
    sessionStorage.setItem("lai.key", state.key);
    $("#key-panel").hidden = true;
    notice("");
    render();
  });
  window.addEventListener("hashchange", render);
  document.addEventListener("keydown", (event) => state.keys?.(event));
  render();
}

start();
