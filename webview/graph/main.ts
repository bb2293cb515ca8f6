// The graph panel's browser app (issue 5).
