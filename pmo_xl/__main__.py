from pmo_xl.cli import main

raise SystemExit(main())
