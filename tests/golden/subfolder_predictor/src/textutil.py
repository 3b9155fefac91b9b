def split_words(text):
    return [w for w in text.replace(",", " ").split() if w]
