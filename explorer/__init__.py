"""Embedding Explorer: nn.Embedding vs one-hot x Linear, and the book's DotProduct trainer."""
