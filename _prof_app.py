import cProfile, time

_pr = cProfile.Profile()
_pr.enable()
try:
    exec(compile(open("/work/main/streamlit_app.py").read(), "/work/main/streamlit_app.py", "exec"))
finally:
    _pr.disable()
    _pr.dump_stats(f"/tmp/prof/{time.time():.3f}.prof")
