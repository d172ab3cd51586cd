"""The guides as a static web site, for residents without Telegram (`outreach-bot site`).

Owns: rendering the guide library into phone-first pages (templates/site/), the search index
the pages' small script reads (built from the bot's own normalisation data), the check that
every page is well-formed, and serving the built folder. Imports guides and texts only: no
telegram, no outreach log.
"""
