"""Instrumentation of the provider clients: openai, anthropic and google-genai."""
