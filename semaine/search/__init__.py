"""Search that understands what people type: vocabulary, typos, relevance (issue 15)."""
