import { render } from 'preact';
import { App } from './app.tsx';
import { takeLoginToken } from './session.ts';
import './styles.css';

// Taken before the first render, so that the router never sees the token as a page.
render(<App loginToken={takeLoginToken()} />, document.getElementById('app')!);
