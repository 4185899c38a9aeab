import { useId } from 'react'

const placeholders = ['{{name}}', '{{phone}}'] as const

/**
 * The template's body parameters `{{1}}`, `{{2}}`… in order. `{{name}}` and `{{phone}}` in a value are
 * replaced per recipient by the server; a contact with parameters of its own (from its file) uses those.
 */
export function ParametersField ({ value, onChange }: { value: readonly string[], onChange: (parameters: string[]) => void }) {
  const id = useId()
  const set = (index: number, text: string) => onChange(value.map((old, position) => position === index ? text : old))
  return (
    <fieldset className='parameters'>
      <legend>Template parameters</legend>
      <p id={`${id}-hint`} className='hint'>
        The values of the template's body placeholders <code>{'{{1}}'}</code>, <code>{'{{2}}'}</code>… in order.
        Write <code>{'{{name}}'}</code> or <code>{'{{phone}}'}</code> in a value for each recipient's own name or phone.
        With none, a contact's name is the only parameter.
      </p>
      {value.map((parameter, index) => (
        <div className='parameter' key={index}>
          <label htmlFor={`${id}-${index}`}>{`{{${index + 1}}}`}</label>
          <input id={`${id}-${index}`} value={parameter} maxLength={1024} aria-describedby={`${id}-hint`} onChange={event => set(index, event.target.value)} />
          {placeholders.map(placeholder => (
            <button key={placeholder} type='button' aria-label={`Insert ${placeholder} into parameter ${index + 1}`} onClick={() => set(index, parameter + placeholder)}>
              + {placeholder}
            </button>
          ))}
          <button type='button' aria-label={`Remove parameter ${index + 1}`} onClick={() => onChange(value.filter((_, position) => position !== index))}>Remove</button>
        </div>
      ))}
      <button type='button' disabled={value.length >= 100} onClick={() => onChange([...value, ''])}>Add parameter</button>
    </fieldset>
  )
}
