"""The plan view on the page (sidebar mode 规划 / Plan): its sidebar, page, norms and the facility upload's
townships (issue 27)."""
