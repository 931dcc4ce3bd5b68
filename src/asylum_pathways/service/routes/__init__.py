"""One module per resource; `deps.context` gives each route the app's Context."""
