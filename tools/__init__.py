"""Operations a user or the chat model can invoke."""
