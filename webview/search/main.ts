// The search view's browser app (issue 4).
