"""Small helpers every app may use: audit context, text normalisation, service errors."""
