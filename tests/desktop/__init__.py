"""Checks of the desk as a real desktop sees it: an X server (Xvfb) and the AT-SPI accessibility bus."""
