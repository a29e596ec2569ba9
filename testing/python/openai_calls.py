"""The calls both Python client tests make with the official openai client: a chat, a streamed
chat with usage, a tool call, an embedding and a failed call (the mock answers model "boom"
with HTTP 429). Returns what the app saw, for the test to compare."""


def make_calls(client, openai):
    seen = {}
    r = client.chat.completions.create(
        model="gpt-4o-mini",
        temperature=0.2,
        messages=[{"role": "system", "content": "You are terse."}, {"role": "user", "content": "What is the capital of France?"}],
    )
    seen["chat"] = r.choices[0].message.content
    stream = client.chat.completions.create(
        model="gpt-4o-mini",
        stream=True,
        stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "Capital of France? (cached)"}],
    )
    seen["stream"] = "".join((c.choices[0].delta.content or "") for c in stream if c.choices)
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
    r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Weather in Paris?"}], tools=tools)
    seen["tool"] = r.choices[0].message.tool_calls[0].function.name
    r = client.embeddings.create(model="text-embedding-3-small", input="hello world")
    seen["embedding"] = len(r.data[0].embedding)
    try:
        client.chat.completions.create(model="boom", messages=[{"role": "user", "content": "x"}])
    except openai.RateLimitError as e:
        seen["error"] = type(e).__name__
    return seen
