"""chipstack: reference implementation of protocols for decentralized table games."""
