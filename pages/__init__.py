"""Dashboard pages (one module per page) and the helpers they share: url_state, loaders,
formatting, filters (the sidebar), layout (banner, language, routing), charts, text, i18n."""
