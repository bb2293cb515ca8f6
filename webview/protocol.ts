// Messages between the extension host and the webviews: discriminated unions on `type`, shared by both sides.
// No vscode or Node imports here. Each webview sends `ready` first; requests carry an id so stale replies are dropped.
// The host validates every incoming message (see src/vscode/webviews/) before it acts on one.

// ---- Search view (webview/search) ----
// (owned by the search view; see issue 4)

// ---- Graph panel (webview/graph) ----
// (owned by the graph panel; see issue 5)
