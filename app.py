"""Embedding Explorer: a router only. Every page lives in explorer/ui/.

`streamlit run app.py` first imports this file as the module `app` and finds `app`, an
`st.App` whose lifespan warms the server up as it starts (explorer/ui/warm.py); then every
session runs this file as `__main__`: the router. Each training worker (a multiprocessing
child) imports it again as `__mp_main__` before it trains, and there it must do nothing: no
streamlit, no page drawn in bare mode, no second fork server (tests/ui/test_app.py checks
this).
"""

if __name__ == "__main__":
    import sys

    import streamlit as st

    from explorer.ui import intro, presenting

    st.set_page_config(
        page_title="Embedding Explorer",
        page_icon="🔎",
        layout="wide",
        initial_sidebar_state=presenting.sidebar_state(),  # folded when presenting
    )
    holder = None
    if "explorer.ui.train.page" not in sys.modules:  # a cold server: imports take seconds
        holder = st.empty()
        with holder.container():
            intro.first_paint()  # the title and the short answer first (streamlit alone)

    from explorer.ui.lookup import page as lookup_page
    from explorer.ui.train import page as train_page

    if holder is not None:
        holder.empty()
    train_page.prepare()  # whichever page opens first, the training worker starts warming up
    pages = [
        st.Page(lookup_page.render, title="Lookup vs one-hot x Linear", default=True),  # at /
        st.Page(train_page.render, title="Train a DotProduct model", url_path="train"),
    ]
    page = st.navigation(pages)
    presenting.apply()
    page.run()
elif __name__ == "app":  # the server's own import, as it starts
    import streamlit as st

    from explorer.ui import warm

    app = st.App("app.py", lifespan=warm.lifespan)
