"""The benchmark suite: imagekit against its peers (``imagekit bench``; see ``__main__``)."""
